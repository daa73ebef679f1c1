// "Max setup cost" filter for the area-code and exchange lists (Flowroute filters these server-side).
import { Button, Group, NumberInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { centsToDecimal } from '../api/money';

export function CostCapForm({
  valueCents,
  onApply,
  label = 'Max setup cost (USD)',
}: {
  valueCents: number | null;
  onApply: (cents: number | null) => void;
  label?: string;
}) {
  const [value, setValue] = useState<string | number>(valueCents === null ? '' : centsToDecimal(valueCents));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const n = typeof value === 'number' ? value : Number(value);
    onApply(value === '' || !Number.isFinite(n) ? null : Math.round(n * 100));
  };

  return (
    <form onSubmit={submit} aria-label="Cost filter">
      <Group align="flex-end" gap="xs" wrap="wrap">
        <NumberInput
          label={label}
          description="Only codes with a number at or below this setup cost"
          placeholder="No cap"
          prefix="$"
          min={0}
          decimalScale={2}
          allowNegative={false}
          hideControls
          value={value}
          onChange={setValue}
          w={220}
        />
        <Button type="submit" variant="light">
          Apply
        </Button>
        {valueCents !== null ? (
          <Button
            variant="subtle"
            color="gray"
            onClick={() => {
              setValue('');
              onApply(null);
            }}
          >
            Clear cap
          </Button>
        ) : null}
      </Group>
    </form>
  );
}
