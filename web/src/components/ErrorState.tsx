import { Alert, Button, List } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { errorIssues, errorMessage } from "../api/errors";
import { issueText } from "../api/validation";

/** An API error as an alert: the translated message, field problems, and a retry button. */
export function ErrorState({
  error,
  onRetry,
  title,
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
}) {
  const { t } = useTranslation();
  const issues = errorIssues(error);
  return (
    <Alert
      color="red"
      variant="light"
      icon={<IconAlertCircle aria-hidden />}
      title={title ?? t("errors.title")}
      role="alert"
      my="md"
    >
      {errorMessage(t, error)}
      {issues.length > 0 && (
        <List size="sm" mt="xs">
          {issues.map((issue) => (
            <List.Item key={`${issue.field}:${issue.message}`}>
              {t("errors.issue", { field: issue.field, message: issueText(t, issue) })}
            </List.Item>
          ))}
        </List>
      )}
      {onRetry && (
        <Button size="xs" variant="default" mt="sm" onClick={onRetry}>
          {t("common.retry")}
        </Button>
      )}
    </Alert>
  );
}
