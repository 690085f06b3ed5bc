// The optional reason asked for when items are ignored, one at a time or in bulk.
import { Textarea } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { IGNORE_REASON_MAX } from "../../../../src/contracts/constants";

export function IgnoreReasonField(props: { value: string; onChange: (value: string) => void }) {
  const { t } = useTranslation();
  return (
    <Textarea
      label={t("itemActions.ignoreDialog.reason")}
      placeholder={t("itemActions.ignoreDialog.reasonPlaceholder")}
      value={props.value}
      onChange={(e) => props.onChange(e.currentTarget.value)}
      maxLength={IGNORE_REASON_MAX}
      autosize
      minRows={2}
    />
  );
}
