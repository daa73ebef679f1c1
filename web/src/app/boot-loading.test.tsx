// The router's start-up line must look exactly like index.html's, or a slow start would swap one for the other.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { BootLoading } from './boot-loading';

const squash = (html: string) =>
  html
    .replace(/<!--.*?-->/gs, '')
    .replace(/\s+/g, '')
    .replace(/;"/g, '"');

describe('BootLoading', () => {
  it('is the same element as the loading line in web/index.html', () => {
    const index = readFileSync(path.resolve(process.cwd(), 'web/index.html'), 'utf8');
    const inHtml = /<p\s+id="boot-loading"[\s\S]*?<\/p>/.exec(index)?.[0];
    expect(inHtml).toBeDefined();
    expect(squash(renderToStaticMarkup(<BootLoading />))).toBe(squash(inHtml!));
  });
});
