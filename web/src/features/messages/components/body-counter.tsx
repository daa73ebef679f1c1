// Live counter under the message body: characters, encoding, segments by Flowroute's rule and the standard
// rule, estimated cost; and which characters force UCS-2, with a one-click plain-text replacement.
import { Alert, Badge, Button, Group, Paper, Popover, NumberInput, Stack, Text } from '@mantine/core';
import { Fragment, useMemo } from 'react';
import { isSmartCharacter, replaceSmartCharacters } from '@contract/sms';
import { countBody, estimateCostUsd, formatUsdEstimate } from '../model/compose';
import { useRates } from '../model/use-rates';
import { countOf } from '@/lib/format';

export function BodyCounter({
  body,
  mms,
  onReplace,
}: {
  body: string;
  mms: boolean;
  onReplace: (next: string) => void;
}) {
  const c = useMemo(() => countBody(body), [body]);
  const [rates, setRates] = useRates();
  const segments = Math.max(1, c.flowroute.segments);
  const cost = body.length === 0 && !mms ? null : estimateCostUsd(segments, mms, rates);
  const smart = c.forcingChars.filter((f) => isSmartCharacter(f.char));
  const ucs2 = c.encoding === 'UCS-2';

  return (
    <Stack gap="xs">
      <Group gap="xs" wrap="wrap" aria-live="polite" data-testid="body-counter">
        <Text size="sm">
          <b>{c.characters.toLocaleString('en-US')}</b> {c.characters === 1 ? 'character' : 'characters'}
        </Text>
        <Badge color={ucs2 ? '#a84300' : 'gray.7'} variant="filled" title="Encoding under Flowroute's rule">
          {c.encoding}
        </Badge>
        {mms ? (
          <Text size="sm">Sent as one MMS</Text>
        ) : (
          <Text size="sm" data-testid="segments-flowroute">
            <b>{c.flowroute.segments}</b> {c.flowroute.segments === 1 ? 'segment' : 'segments'} by
            Flowroute&apos;s rule (
            {c.flowroute.segments > 1
              ? `${c.flowroute.perSegment} per segment`
              : `up to ${c.flowroute.perSegment}`}
            )
          </Text>
        )}
        {!mms ? (
          <Text size="sm" c="dimmed" data-testid="segments-standard">
            · standard rule: {c.standard.segments} ({c.standard.encoding},{' '}
            {c.standard.segments > 1
              ? `${c.standard.perSegment} per segment`
              : `up to ${c.standard.perSegment}`}
            )
          </Text>
        ) : null}
        <Popover width={280} position="bottom-start" withArrow shadow="md">
          <Popover.Target>
            <Button variant="subtle" size="compact-sm" aria-label="Cost estimate settings">
              {cost !== null
                ? `≈ ${formatUsdEstimate(cost)}`
                : rates.perSegment !== null && !mms
                  ? `Rate ${formatUsdEstimate(rates.perSegment)} per segment`
                  : 'Set rates for a cost estimate'}
            </Button>
          </Popover.Target>
          <Popover.Dropdown>
            <Stack gap="xs">
              <Text size="xs" c="dimmed">
                Rates for the estimate (your Flowroute pricing). Stored in this browser.
              </Text>
              <NumberInput
                label="SMS rate per segment (USD)"
                prefix="$"
                decimalScale={5}
                min={0}
                step={0.0005}
                value={rates.perSegment ?? ''}
                onChange={(v) => setRates({ ...rates, perSegment: typeof v === 'number' ? v : null })}
              />
              <NumberInput
                label="MMS rate per message (USD)"
                prefix="$"
                decimalScale={5}
                min={0}
                step={0.0005}
                value={rates.perMms ?? ''}
                onChange={(v) => setRates({ ...rates, perMms: typeof v === 'number' ? v : null })}
              />
            </Stack>
          </Popover.Dropdown>
        </Popover>
      </Group>

      {ucs2 && body.length > 0 ? (
        <Alert
          color="orange"
          variant="light"
          title="UCS-2: 70 characters per segment"
          data-testid="ucs2-warning"
        >
          <Stack gap="xs">
            <Text size="sm">
              {c.forcingChars.length === 1
                ? 'This character is'
                : `These ${c.forcingChars.length} characters are`}{' '}
              not plain ASCII, so Flowroute sends the whole message as UCS-2 (message_encoding 8): 70
              characters per segment instead of 160.{' '}
              {c.flowroute.segments > plainSegments(body)
                ? `That bills ${c.flowroute.segments} segments instead of ${plainSegments(body)}.`
                : `Still ${countOf(c.flowroute.segments, 'segment')} at this length.`}
            </Text>
            <HighlightedBody body={body} />
            {smart.length > 0 ? (
              <Group gap="xs">
                <Button
                  size="xs"
                  variant="light"
                  color="orange"
                  onClick={() => onReplace(replaceSmartCharacters(body))}
                >
                  Replace smart quotes and dashes ({smart.length})
                </Button>
                <Text size="xs" c="dimmed">
                  Flowroute warns that smart quotes are known to cause errors.
                </Text>
              </Group>
            ) : null}
          </Stack>
        </Alert>
      ) : null}
    </Stack>
  );
}

function plainSegments(body: string): number {
  const n = Array.from(body).length;
  return n <= 160 ? 1 : Math.ceil(n / 140);
}

/** The body with every character that forces UCS-2 marked. */
export function HighlightedBody({ body }: { body: string }) {
  const parts = useMemo(() => {
    const out: { text: string; forcing: boolean }[] = [];
    for (const ch of Array.from(body)) {
      const forcing = (ch.codePointAt(0) ?? 0) > 0x7f;
      const last = out[out.length - 1];
      if (last && last.forcing === forcing && !forcing) last.text += ch;
      else out.push({ text: ch, forcing });
    }
    return out;
  }, [body]);
  return (
    <Paper
      withBorder
      p="xs"
      radius="sm"
      aria-label="Message with the characters that force UCS-2 highlighted"
      style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', fontSize: 'var(--mantine-font-size-sm)' }}
    >
      {parts.map((p, i) =>
        p.forcing ? (
          <mark
            key={i}
            title={`U+${(p.text.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')} forces UCS-2`}
            style={{
              background: 'var(--mantine-color-orange-2)',
              color: 'inherit',
              borderRadius: 2,
              padding: '0 1px',
            }}
          >
            {p.text}
          </mark>
        ) : (
          <Fragment key={i}>{p.text}</Fragment>
        ),
      )}
    </Paper>
  );
}
