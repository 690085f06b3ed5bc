import { Group, Title } from "@mantine/core";
import { type ReactNode, useEffect } from "react";
import { PRODUCT_NAME } from "../product";

/** The page's one h1, also used as the document title. */
export function PageTitle({ children, right }: { children: string; right?: ReactNode }) {
  useEffect(() => {
    document.title = `${children} · ${PRODUCT_NAME}`;
  }, [children]);
  return (
    <Group justify="space-between" align="center" mb="md" gap="sm">
      <Title order={1} fz={{ base: "h3", sm: "h2" }}>
        {children}
      </Title>
      {right}
    </Group>
  );
}
