// MMS media: https URLs (validated one by one) with a small preview of each image.
import { ActionIcon, Button, Group, Image, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { MAX_MEDIA_URLS, MMS_LIMIT_TEXT, validateHttpsUrl } from '../model/compose';

const IMAGE_RE = /\.(png|jpe?g|gif|bmp|webp)(\?|#|$)/i;

export function MediaPreview({ url, label, size = 56 }: { url: string; label: string; size?: number }) {
  const [failed, setFailed] = useState(false);
  const looksImage = IMAGE_RE.test(url);
  if (validateHttpsUrl(url) !== null || failed || !looksImage) {
    const ext = /\.([a-z0-9]{2,4})(\?|#|$)/i.exec(url)?.[1]?.toUpperCase() ?? 'FILE';
    return (
      <Stack
        w={size}
        h={size}
        justify="center"
        align="center"
        gap={0}
        style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 4, flex: 'none' }}
        aria-label={`${label}: no preview`}
      >
        <Text size="xs" c="dimmed">
          {failed ? 'No preview' : ext}
        </Text>
      </Stack>
    );
  }
  return (
    <Image
      src={url}
      alt={label}
      w={size}
      h={size}
      fit="cover"
      radius="sm"
      loading="lazy"
      referrerPolicy="no-referrer"
      onError={() => setFailed(true)}
      style={{ flex: 'none' }}
    />
  );
}

export function MediaUrlsField({
  value,
  onChange,
  errors,
  showErrors,
}: {
  value: string[];
  onChange: (next: string[]) => void;
  errors?: (string | null)[];
  showErrors: boolean;
}) {
  return (
    <Stack gap="xs">
      <Text size="sm" fw={500}>
        Media URLs (MMS)
      </Text>
      <Text size="xs" c="dimmed">
        Public https links Flowroute fetches and attaches. Limit: {MMS_LIMIT_TEXT}; one MMS per request, 1 MMS
        per second. Types: PNG, JPEG, GIF, BMP, 3GP, MP4, AVI, MPG, AMR, MIDI, WAV, AC3, MP3, plain text.
      </Text>
      {value.map((url, i) => (
        <Group key={i} gap="xs" align="flex-start" wrap="nowrap">
          <MediaPreview url={url} label={`Preview of media ${i + 1}`} />
          <TextInput
            style={{ flex: 1 }}
            label={`Media URL ${i + 1}`}
            placeholder="https://example.com/picture.jpg"
            value={url}
            inputMode="url"
            onChange={(e) => onChange(value.map((v, j) => (j === i ? e.currentTarget.value : v)))}
            error={
              showErrors || url.trim() !== ''
                ? (errors?.[i] ?? validateHttpsUrl(url, 'The URL') ?? undefined)
                : undefined
            }
          />
          <ActionIcon
            variant="subtle"
            color="gray"
            mt={26}
            aria-label={`Remove media URL ${i + 1}`}
            onClick={() => onChange(value.filter((_, j) => j !== i))}
          >
            ✕
          </ActionIcon>
        </Group>
      ))}
      <Group>
        <Button
          variant="default"
          size="xs"
          disabled={value.length >= MAX_MEDIA_URLS}
          onClick={() => onChange([...value, ''])}
        >
          Add media URL
        </Button>
      </Group>
    </Stack>
  );
}
