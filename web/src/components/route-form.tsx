// Create-route form (one per route type), shared by the Routes screen and the number routing panel's
// "create a route inline". Validates with the contract's validateRouteValue as the user types, shows the
// proxy's/Flowroute's 4xx errors on the field they concern, and sends one Idempotency-Key per intent.
import { Alert, Button, Group, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent } from 'react';
import { ALIAS_MAX_LENGTH, validateAlias, validateRouteValue } from '@contract/route-value';
import { parseNanp } from '@contract/phone';
import { toApiError } from '@/lib/api';
import {
  CREATABLE_ROUTE_TYPES,
  ROUTE_TYPE_LABELS,
  changeError,
  createRoute,
  findSameRoute,
  invalidateRouteLists,
  keyForAttempt,
  type ChangeError,
  type CreatableRouteType,
  type NewRouteBody,
  type Route,
} from '@/lib/flowroute/routes';

const VALUE_HELP: Record<CreatableRouteType, { label: string; placeholder: string; description: string }> = {
  host: {
    label: 'Host address',
    placeholder: 'pbx.example.com:5060',
    description:
      'Host name or IP address, optional :port (IPv6 with a port as [2001:db8::1]:5060). Without a port Flowroute looks up DNS SRV.',
  },
  uri: {
    label: 'SIP URI value',
    placeholder: 'sip:office@pbx.example.com;transport=tls',
    description: 'sip: or sips: user@host[:port], optional ;transport=tcp|udp|tls.',
  },
  number: {
    label: 'Forward to number',
    placeholder: '(206) 555-0100',
    description: 'A North American number, typed any way. Calls are forwarded over the phone network.',
  },
};

/** What the API receives as `value` for what the user typed (numbers are normalised to 11 digits). */
export function routeValueFor(type: CreatableRouteType, typed: string): string {
  const text = typed.trim();
  if (type !== 'number') return text;
  const parsed = parseNanp(text);
  return parsed.ok ? parsed.digits : text.replace(/[^\d]/g, '');
}

/** The error to show for the value field, or null (same rules as the proxy applies). */
export function routeValueError(type: CreatableRouteType, typed: string): string | null {
  if (type === 'number' && typed.trim() !== '') {
    const parsed = parseNanp(typed);
    if (!parsed.ok) return parsed.error;
  }
  return validateRouteValue(type, routeValueFor(type, typed));
}

type Field = 'alias' | 'value' | 'route_type';

export function RouteForm({
  onCreated,
  onCancel,
  submitLabel = 'Create route',
  initialType = 'host',
}: {
  onCreated: (route: Route) => void;
  onCancel?: () => void;
  submitLabel?: string;
  initialType?: CreatableRouteType;
}) {
  const queryClient = useQueryClient();
  const typeLabelId = useId();
  const [routeType, setRouteType] = useState<CreatableRouteType>(initialType);
  const [alias, setAlias] = useState('');
  const [value, setValue] = useState('');
  const [touched, setTouched] = useState<Record<'alias' | 'value', boolean>>({ alias: false, value: false });
  const [serverErrors, setServerErrors] = useState<Partial<Record<Field, string>>>({});
  // One key per intent: kept while the outcome of the last attempt is unknown (see keyForAttempt).
  const attempt = useRef<{ body: string; key: string; error?: ChangeError } | null>(null);

  const mutation = useMutation({
    mutationFn: ({ key }: { key: string }) =>
      createRoute({ route_type: routeType, alias, value: routeValueFor(routeType, value) }, key),
    meta: { silent: true },
  });

  const aliasError = validateAlias(alias);
  const valueError = routeValueError(routeType, value);
  const showAlias = touched.alias ? aliasError : null;
  const showValue = touched.value ? valueError : null;
  const normalized = routeValueFor(routeType, value);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched({ alias: true, value: true });
    if (aliasError || valueError || mutation.isPending) return;
    const body = JSON.stringify({
      route_type: routeType,
      alias: alias.trim(),
      value: normalized,
    } satisfies NewRouteBody);
    const previous = attempt.current && attempt.current.body === body ? attempt.current : {};
    const key = keyForAttempt(previous);
    attempt.current = { body, key };
    setServerErrors({});
    try {
      const created = await mutation.mutateAsync({ key });
      attempt.current = null;
      void invalidateRouteLists(queryClient);
      onCreated(created.data);
      setAlias('');
      setValue('');
      setTouched({ alias: false, value: false });
    } catch (error) {
      attempt.current = { body, key, error: changeError(error) };
      const apiError = toApiError(error);
      if (apiError.proxyError === 'outcome_unknown') {
        // Sent, but no answer came back: the route may exist. Look before anyone sends it again.
        const existing = await findSameRoute(JSON.parse(body) as NewRouteBody).catch(() => null);
        if (existing) {
          attempt.current = null;
          mutation.reset();
          void invalidateRouteLists(queryClient);
          onCreated(existing);
          return;
        }
      }
      const fields: Partial<Record<Field, string>> = {};
      for (const [name, text] of Object.entries(apiError.fieldErrors)) {
        if (name === 'alias' || name === 'value' || name === 'route_type') fields[name] = text;
      }
      setServerErrors(fields);
    }
  };

  const help = VALUE_HELP[routeType];
  const apiError = mutation.error ? toApiError(mutation.error) : null;
  const unplacedError =
    apiError && !serverErrors.alias && !serverErrors.value && !serverErrors.route_type ? apiError : null;

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label="New route">
      <Stack gap="md">
        <div>
          <Text id={typeLabelId} size="sm" fw={500} mb={4}>
            Route type
          </Text>
          <SegmentedControl
            aria-labelledby={typeLabelId}
            value={routeType}
            onChange={(next) => {
              setRouteType(next as CreatableRouteType);
              setServerErrors({});
            }}
            data={CREATABLE_ROUTE_TYPES.map((type) => ({ value: type, label: ROUTE_TYPE_LABELS[type] }))}
            fullWidth
          />
          {serverErrors.route_type ? (
            <Text c="red" size="sm" mt={4} role="alert">
              {serverErrors.route_type}
            </Text>
          ) : null}
          <Text size="xs" c="dimmed" mt={4}>
            SIP registration is not offered: it is the account&apos;s default route 0 already.
          </Text>
        </div>
        <TextInput
          label="Alias"
          description="A name people will recognise, e.g. “Seattle office PBX”."
          required
          maxLength={ALIAS_MAX_LENGTH}
          value={alias}
          onChange={(e) => {
            setAlias(e.currentTarget.value);
            setTouched((t) => ({ ...t, alias: true }));
            setServerErrors((s) => ({ ...s, alias: undefined }));
          }}
          onBlur={() => setTouched((t) => ({ ...t, alias: true }))}
          error={serverErrors.alias ?? showAlias}
          autoComplete="off"
        />
        <TextInput
          label={help.label}
          description={help.description}
          placeholder={help.placeholder}
          required
          value={value}
          onChange={(e) => {
            setValue(e.currentTarget.value);
            setTouched((t) => ({ ...t, value: true }));
            setServerErrors((s) => ({ ...s, value: undefined }));
          }}
          onBlur={() => setTouched((t) => ({ ...t, value: true }))}
          error={serverErrors.value ?? showValue}
          autoComplete="off"
          spellCheck={false}
          inputMode={routeType === 'number' ? 'tel' : 'text'}
        />
        {routeType === 'number' && !valueError && value.trim() !== normalized ? (
          <Text size="xs" c="dimmed" mt={-8}>
            Sent to Flowroute as {normalized}
          </Text>
        ) : null}
        {unplacedError ? (
          <Alert color="red" variant="light" role="alert" title="The route was not created">
            {unplacedError.message}
            {unplacedError.status ? ` (HTTP ${unplacedError.status})` : ''}
            {unplacedError.proxyError === 'outcome_unknown'
              ? ' No route with this alias and value exists now, so it is safe to try again.'
              : ''}
          </Alert>
        ) : null}
        <Group justify="flex-end" gap="sm">
          {onCancel ? (
            <Button variant="default" onClick={onCancel} disabled={mutation.isPending}>
              Cancel
            </Button>
          ) : null}
          <Button type="submit" loading={mutation.isPending}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
