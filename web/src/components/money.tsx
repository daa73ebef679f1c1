// Money in USD: "$1.25" (the currency code sits in the header/label) or "$1.25 USD" when it stands alone.
import { Text, type TextProps } from '@mantine/core';
import { formatNanodollars, formatUsd } from '@/lib/format';

export function Money({
  amount,
  nanodollars,
  withCode = false,
  ...props
}: {
  amount?: number | string | null;
  nanodollars?: number | string | null;
  withCode?: boolean;
} & TextProps) {
  const text =
    nanodollars !== undefined
      ? formatNanodollars(nanodollars, { code: withCode })
      : formatUsd(amount, { code: withCode });
  return (
    <Text span style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }} {...props}>
      {text}
    </Text>
  );
}
