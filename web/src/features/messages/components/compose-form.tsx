// The compose form used by the compose page and the conversation reply box: validation as people type,
// the live counter, MMS options, one send per click (Idempotency-Key per intent) and Flowroute's 429.
import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Code,
  Collapse,
  Group,
  Stack,
  Text,
  Textarea,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { CopyButton } from '@/components/copy-button';
import { toApiError, type ApiError } from '@/lib/api';
import { formatNanp } from '@/lib/format';
import { buildSendBody, messageMutations, type SendMessageInput } from '@/lib/flowroute/messages';
import {
  EMPTY_COMPOSE,
  hasErrors,
  isMmsMessage,
  rateLimitMessage,
  recipientDigits,
  validateCompose,
  type ComposeValues,
} from '../model/compose';
import { SendIntent } from '../model/send-intent';
import { useCountdown } from '../model/use-countdown';
import { BodyCounter } from './body-counter';
import { MediaUrlsField } from './media-urls-field';
import { SenderSelect } from './sender-select';

export interface ComposeFormProps {
  /** Idempotency scope: one per place a message is composed (compose page, each conversation). */
  scope: string;
  initial?: Partial<ComposeValues>;
  /** Reply mode: from/to are fixed by the conversation and the form is compact. */
  variant?: 'full' | 'reply';
  onSent?: (id: string, input: SendMessageInput) => void;
}

export function ComposeForm({ scope, initial, variant = 'full', onSent }: ComposeFormProps) {
  const queryClient = useQueryClient();
  const [values, setValues] = useState<ComposeValues>({ ...EMPTY_COMPOSE, ...initial });
  const [submitted, setSubmitted] = useState(false);
  const [toTouched, setToTouched] = useState(false);
  const [dlrTouched, setDlrTouched] = useState(false);
  const [showOptions, setShowOptions] = useState(
    variant === 'full' && ((initial?.mediaUrls?.length ?? 0) > 0 || !!initial?.isMms),
  );
  const [sent, setSent] = useState<{ id: string; to: string } | null>(null);
  // What the form held when Flowroute accepted it: Send stays off until something changes, so a second click
  // (or Enter) cannot silently send the same message again. The form is kept because ops people often send
  // the same text to the next recipient: changing the To (or anything) re-enables Send.
  const [sentValues, setSentValues] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [retryAt, setRetryAt] = useState<{ until: number; since: number } | null>(null);
  const [intent] = useState(() => new SendIntent(scope));
  const inFlight = useRef(false);
  const wait = useCountdown(retryAt);
  const mutation = useMutation(messageMutations.send(queryClient));

  const errors = validateCompose(values);
  const mms = isMmsMessage(values);
  const set = <K extends keyof ComposeValues>(key: K, value: ComposeValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    if (failure && failure.kind !== 'rate_limited') setFailure(null);
  };
  const to = recipientDigits(values.to);
  const alreadySent = sentValues !== null && sentValues === JSON.stringify(values);

  function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    // The callback and media fields live in the folded options: unfold them so their error is seen.
    if (errors.dlrCallback || errors.mediaUrls) setShowOptions(true);
    if (inFlight.current || wait > 0 || alreadySent || hasErrors(errors) || !to) return;
    const input: SendMessageInput = {
      from: values.from,
      to,
      body: values.body,
      ...(values.mediaUrls.length > 0 ? { media_urls: values.mediaUrls.map((u) => u.trim()) } : {}),
      ...(values.isMms ? { is_mms: true } : {}),
      ...(values.dlrCallback.trim() ? { dlr_callback: values.dlrCallback.trim() } : {}),
    };
    const idempotencyKey = intent.keyFor(buildSendBody(input));
    inFlight.current = true;
    setFailure(null);
    mutation.mutate(
      { input, idempotencyKey },
      {
        onSuccess: ({ id }) => {
          intent.succeeded();
          setSent({ id, to });
          if (variant === 'full') setSentValues(JSON.stringify(values));
          setRetryAt(null);
          setSubmitted(false);
          if (variant === 'reply') setValues((v) => ({ ...v, body: '', mediaUrls: [], isMms: false }));
          onSent?.(id, input);
        },
        onError: (error) => {
          const e = toApiError(error);
          intent.failed(e.status);
          setFailure(e);
          setSent(null);
          if (e.kind === 'rate_limited') {
            const since = Date.now();
            setRetryAt({ since, until: since + Math.max(1, e.retryAfterSeconds ?? 1) * 1000 });
          }
        },
        onSettled: () => {
          inFlight.current = false;
        },
      },
    );
  }

  const fieldError = (name: string) =>
    failure && failure.kind !== 'rate_limited' ? failure.fieldErrors[name] : undefined;
  const showToError = submitted || (toTouched && values.to.trim() !== '');
  const sendLabel = mms ? 'Send MMS' : 'Send SMS';

  const sendButton = (
    <Button
      type="submit"
      loading={mutation.isPending}
      disabled={wait > 0 || alreadySent}
      data-testid="send-button"
    >
      {wait > 0 ? `Wait ${wait} s` : alreadySent ? 'Sent ✓' : sendLabel}
    </Button>
  );

  return (
    <form onSubmit={submit} noValidate aria-label={variant === 'reply' ? 'Reply' : 'Compose a message'}>
      <Stack gap="sm">
        {variant === 'full' ? (
          <>
            <SenderSelect
              value={values.from}
              onChange={(v) => set('from', v)}
              error={submitted ? (errors.from ?? fieldError('from')) : fieldError('from')}
              required
            />
            <TextInput
              label="To"
              placeholder="(312) 555-0111"
              description={
                to && !errors.to
                  ? `Sends to ${formatNanp(to)}`
                  : 'US/Canada number, typed any way: (312) 555-0111, +1 312 555 0111'
              }
              value={values.to}
              inputMode="tel"
              autoComplete="off"
              required
              onChange={(e) => set('to', e.currentTarget.value)}
              onBlur={() => setToTouched(true)}
              error={(showToError ? errors.to : undefined) ?? fieldError('to')}
            />
          </>
        ) : null}

        <Textarea
          label={variant === 'reply' ? `Reply to ${formatNanp(values.to)}` : 'Message'}
          placeholder={variant === 'reply' ? 'Write a reply…' : 'Write your message…'}
          autosize
          minRows={variant === 'reply' ? 2 : 4}
          maxRows={12}
          value={values.body}
          onChange={(e) => set('body', e.currentTarget.value)}
          onKeyDown={(e) => {
            if (variant === 'reply' && e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit(e);
          }}
          error={(submitted ? errors.body : undefined) ?? fieldError('body')}
        />
        <BodyCounter body={values.body} mms={mms} onReplace={(next) => set('body', next)} />

        <UnstyledButton
          onClick={() => setShowOptions((o) => !o)}
          aria-expanded={showOptions}
          style={{ alignSelf: 'flex-start' }}
        >
          <Text size="sm" c="blue">
            {showOptions ? '▾' : '▸'} MMS and delivery receipt options
            {values.mediaUrls.length > 0 ? ` (${values.mediaUrls.length} media)` : ''}
          </Text>
        </UnstyledButton>
        <Collapse expanded={showOptions}>
          <Stack gap="sm" pl="sm" style={{ borderLeft: '2px solid var(--mantine-color-default-border)' }}>
            <MediaUrlsField
              value={values.mediaUrls}
              onChange={(v) => set('mediaUrls', v)}
              errors={errors.mediaUrls}
              showErrors={submitted}
            />
            <Checkbox
              label="Send as MMS even without media (is_mms)"
              description="A text-only MMS; longer texts may still be split and delivered as SMS by the carrier."
              checked={values.isMms || values.mediaUrls.length > 0}
              disabled={values.mediaUrls.length > 0}
              onChange={(e) => set('isMms', e.currentTarget.checked)}
            />
            <TextInput
              label="Delivery receipt callback URL (optional)"
              description="Flowroute POSTs this message's delivery receipts here (dlr_callback), overriding the account setting."
              placeholder="https://hooks.example.com/flowroute/dlr"
              inputMode="url"
              value={values.dlrCallback}
              onChange={(e) => set('dlrCallback', e.currentTarget.value)}
              onBlur={() => setDlrTouched(true)}
              // Judged once typed (not on every keystroke); Flowroute's own answer is shown here as well.
              error={
                ((dlrTouched || submitted) && values.dlrCallback.trim() ? errors.dlrCallback : undefined) ??
                fieldError('dlr_callback')
              }
            />
          </Stack>
        </Collapse>

        {failure?.kind === 'rate_limited' ? (
          <Alert
            color="yellow"
            variant="light"
            title="Sending too fast"
            role="alert"
            data-testid="rate-limit-alert"
          >
            <Text size="sm">
              {failure.fromProxy
                ? `This dashboard limits how often one person can send — ${wait > 0 ? `try again in ${wait} s` : 'you can try again now'}.`
                : wait > 0
                  ? rateLimitMessage(mms, wait)
                  : `${rateLimitMessage(mms, null).split(' — ')[0]} — you can try again now.`}
            </Text>
            <Text size="xs" c="dimmed">
              Nothing was sent. Your message is still here.
            </Text>
          </Alert>
        ) : failure ? (
          <Alert color="red" variant="light" title={failureTitle(failure)} role="alert">
            <Text size="sm">{failure.message}</Text>
            {failure.status ? (
              <Text size="xs" c="dimmed">
                HTTP {failure.status}
                {failure.proxyError ? ` · proxy: ${failure.proxyError}` : ''}
                {failure.errorId ? ` · Flowroute error id ${failure.errorId}` : ''}
              </Text>
            ) : null}
          </Alert>
        ) : null}

        {sent ? (
          <Alert color="teal" variant="light" title="Accepted by Flowroute" data-testid="send-result">
            <Group gap={4} wrap="wrap">
              <Text size="sm">Message to {formatNanp(sent.to)} has id</Text>
              <Code data-testid="sent-id">{sent.id}</Code>
              <CopyButton value={sent.id} label="Copy message id" />
              <Anchor component={Link} to={`/messages/${sent.id}`} size="sm">
                Open its detail and delivery receipts
              </Anchor>
            </Group>
            {alreadySent ? (
              <Group gap="xs" mt={6} wrap="wrap">
                <Text size="xs" c="dimmed">
                  Change the recipient or the text to send another, or
                </Text>
                <Button size="compact-xs" variant="subtle" onClick={() => setSentValues(null)}>
                  send this same message again
                </Button>
              </Group>
            ) : null}
          </Alert>
        ) : null}

        <Group justify="space-between" wrap="wrap" gap="xs">
          <Group gap="xs">
            {variant === 'full' && sent ? (
              <Button
                variant="subtle"
                size="xs"
                onClick={() => {
                  setValues((v) => ({ ...EMPTY_COMPOSE, from: v.from }));
                  setSent(null);
                  setSentValues(null);
                  setSubmitted(false);
                  setToTouched(false);
                }}
              >
                New message
              </Button>
            ) : null}
          </Group>
          {sendButton}
        </Group>
      </Stack>
    </form>
  );
}

function failureTitle(e: ApiError): string {
  if (e.kind === 'network' || e.kind === 'upstream_unavailable')
    return 'Not confirmed — sending again is safe (it will not be sent twice)';
  if (e.kind === 'conflict') return 'Already being sent';
  if (e.kind === 'forbidden') return 'Your role cannot send messages';
  return 'Flowroute did not accept the message';
}
