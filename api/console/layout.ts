/** The console's page frame and form pieces: plain HTML, labelled fields, errors next to their field. */
import type { FieldError } from '../../domain/schemas';
import { html, type Html } from './html';

export interface Signed {
  userId: string;
  csrf: string;
  helpDesk: boolean;
}

/** The stylesheet, served from this service (`/console/assets/console.css`): no asset from another site. */
export const CONSOLE_CSS = `
:root { font-family: system-ui, sans-serif; line-height: 1.5; color: #1b1b1b; background: #fff; }
body { margin: 0; }
header { background: #112e51; color: #fff; padding: .5rem 1rem; display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
header a, header button { color: #fff; }
header nav { display: flex; gap: 1rem; align-items: center; margin-left: auto; }
header form { margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: .5rem; background: #fff; color: #000; padding: .25rem .5rem; z-index: 1; }
:focus-visible { outline: 3px solid #fa9441; outline-offset: 2px; }
.field { margin: 0 0 1rem; }
.field label, fieldset legend { display: block; font-weight: 600; }
.field input, .field select, .field textarea { font: inherit; padding: .35rem; border: 1px solid #565c65; border-radius: 2px; min-width: 18rem; max-width: 100%; }
.field textarea { width: 100%; min-height: 5rem; }
fieldset { border: 1px solid #dfe1e2; padding: .5rem 1rem; margin: 0 0 1rem; }
.choice { display: grid; grid-template-columns: auto 1fr; gap: 0 .5rem; align-items: start; margin: .25rem 0; }
.choice input { margin-top: .35rem; min-width: 0; }
.choice .hint, .choice .error { grid-column: 2; }
.terms { border: 1px solid #dfe1e2; background: #f7f9fa; padding: .5rem 1rem; max-height: 16rem; overflow: auto; }
.tracking { font-size: 1.5rem; font-weight: 700; letter-spacing: .05em; }
code.key { word-break: break-all; background: #f7f9fa; padding: .1rem .25rem; }
.hint { color: #565c65; margin: 0; font-size: .9rem; }
.error { color: #b50909; font-weight: 600; margin: .25rem 0 0; }
[aria-invalid="true"] { border-color: #b50909 !important; border-width: 2px !important; }
.summary { border: 3px solid #b50909; padding: .5rem 1rem; margin-bottom: 1rem; }
.notice { border-left: 6px solid #00a91c; background: #ecf3ec; padding: .5rem 1rem; margin-bottom: 1rem; }
button, .button { font: inherit; padding: .4rem 1rem; border-radius: 3px; border: 1px solid #112e51; background: #005ea2; color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary, .button.secondary { background: #fff; color: #005ea2; }
button.danger { background: #b50909; border-color: #b50909; }
header button { background: transparent; border-color: #fff; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #dfe1e2; vertical-align: top; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
.actions { display: flex; gap: 1rem; flex-wrap: wrap; align-items: flex-end; margin: 1rem 0; }
section.decision { border-top: 1px solid #dfe1e2; margin-top: 1.5rem; }
`;

/** A page; `refreshSeconds` reloads it (a page waiting for something, with no script). */
export function page(title: string, body: Html, signed?: Signed, opts: { refreshSeconds?: number } = {}): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        ${opts.refreshSeconds ? html`<meta http-equiv="refresh" content="${opts.refreshSeconds}" />` : ''}
        <title>${title} – IACS console</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header>
          <strong>IACS registration</strong>
          ${
            signed
              ? html`<nav aria-label="Console">
                  <a href="/console/queue">Approvals</a>
                  ${signed.helpDesk ? html`<a href="/console/help-desk">Look up a request</a>` : ''}
                  <span>Signed in as ${signed.userId}</span>
                  <form method="post" action="/console/sign-out">
                    <input type="hidden" name="_csrf" value="${signed.csrf}" /><button type="submit">Sign out</button>
                  </form>
                </nav>`
              : html`<nav aria-label="Console">
                  <a href="/console/apply">Register</a><a href="/console/apply/status">My request</a><a href="/console/sign-in">Sign in</a>
                </nav>`
          }
        </header>
        <main id="main" tabindex="-1">
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html>`;
}

/** Errors of a form by field path (the API's problem+json paths); `''` collects those of no field shown. */
export type ErrorsByField = Map<string, string[]>;

export function errorsByField(errors: readonly FieldError[], shown: readonly string[]): ErrorsByField {
  const byField: ErrorsByField = new Map();
  for (const e of errors) {
    const path = shown.includes(e.path) ? e.path : '';
    byField.set(path, [...(byField.get(path) ?? []), path === '' && e.path !== '(body)' ? `${e.path}: ${e.message}` : e.message]);
  }
  return byField;
}

const fieldId = (path: string) => `f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** A short list of what is wrong, each linking to its field, shown at the top of a form. */
export function errorSummary(detail: string | undefined, errors: ErrorsByField | undefined): Html {
  if (!detail && (!errors || errors.size === 0)) return html``;
  const items = [...(errors ?? new Map<string, string[]>()).entries()].flatMap(([path, messages]) =>
    messages.map((m) => (path === '' ? html`<li>${m}</li>` : html`<li><a href="#${fieldId(path)}">${m}</a></li>`)),
  );
  return html`<div class="summary" role="alert">
    <p><strong>${detail ?? 'Please correct the fields below.'}</strong></p>
    ${
      items.length > 0
        ? html`<ul>
            ${items}
          </ul>`
        : ''
    }
  </div>`;
}

interface FieldOptions {
  path: string;
  label: string;
  type?: 'text' | 'password' | 'email' | 'date' | 'tel';
  value?: string;
  errors?: ErrorsByField;
  hint?: string;
  autocomplete?: string;
  required?: boolean;
  autofocus?: boolean;
  inputmode?: string;
}

function described(path: string, hint: string | undefined, errs: string[] | undefined) {
  const id = fieldId(path);
  return [hint ? `${id}-hint` : '', errs && errs.length > 0 ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}

function fieldErrorsHtml(path: string, errs: string[] | undefined): Html {
  return errs && errs.length > 0 ? html`<p class="error" id="${fieldId(path)}-error">${errs.join('; ')}</p>` : html``;
}

export function field(o: FieldOptions): Html {
  const id = fieldId(o.path);
  const errs = o.errors?.get(o.path);
  const describedBy = described(o.path, o.hint, errs);
  return html`<div class="field">
    <label for="${id}">${o.label}</label>
    ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
    <input
      id="${id}"
      name="${o.path}"
      type="${o.type ?? 'text'}"
      value="${o.value ?? ''}"
      ${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${
        o.inputmode ? html` inputmode="${o.inputmode}"` : ''
      }${o.required ? html` required` : ''}${o.autofocus ? html` autofocus` : ''}${errs ? html` aria-invalid="true"` : ''}${
        describedBy ? html` aria-describedby="${describedBy}"` : ''
      }
    />
    ${fieldErrorsHtml(o.path, errs)}
  </div>`;
}

export function textArea(o: Omit<FieldOptions, 'type' | 'autocomplete' | 'inputmode'>): Html {
  const id = fieldId(o.path);
  const errs = o.errors?.get(o.path);
  const describedBy = described(o.path, o.hint, errs);
  return html`<div class="field">
    <label for="${id}">${o.label}</label>
    ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
    <textarea
      id="${id}"
      name="${o.path}"
      ${o.required ? html` required` : ''}${o.autofocus ? html` autofocus` : ''}${
        errs ? html` aria-invalid="true"` : ''
      }${describedBy ? html` aria-describedby="${describedBy}"` : ''}
    >
${o.value ?? ''}</textarea>
    ${fieldErrorsHtml(o.path, errs)}
  </div>`;
}

export function select(
  o: Omit<FieldOptions, 'type' | 'autocomplete' | 'inputmode'> & { options: readonly { value: string; label: string }[] },
): Html {
  const id = fieldId(o.path);
  const errs = o.errors?.get(o.path);
  const describedBy = described(o.path, o.hint, errs);
  return html`<div class="field">
    <label for="${id}">${o.label}</label>
    ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
    <select
      id="${id}"
      name="${o.path}"
      ${o.required ? html` required` : ''}${o.autofocus ? html` autofocus` : ''}${
        errs ? html` aria-invalid="true"` : ''
      }${describedBy ? html` aria-describedby="${describedBy}"` : ''}
    >
      ${o.options.map((opt) => html`<option value="${opt.value}" ${opt.value === o.value ? html` selected` : ''}>${opt.label}</option>`)}
    </select>
    ${fieldErrorsHtml(o.path, errs)}
  </div>`;
}

/** A group of radio buttons in a fieldset; the first button carries the field's id (error summaries link to it). */
export function radios(
  o: Omit<FieldOptions, 'type' | 'autocomplete' | 'inputmode' | 'label'> & {
    legend: string;
    options: readonly { value: string; label: string; hint?: string }[];
  },
): Html {
  const id = fieldId(o.path);
  const errs = o.errors?.get(o.path);
  const describedBy = described(o.path, o.hint, errs);
  return html`<fieldset class="field radios" ${describedBy ? html` aria-describedby="${describedBy}"` : ''}>
    <legend>${o.legend}</legend>
    ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''} ${fieldErrorsHtml(o.path, errs)}
    ${o.options.map((opt, n) => {
      const optionId = n === 0 ? id : `${id}-${n}`;
      return html`<div class="choice">
        <input
          type="radio"
          id="${optionId}"
          name="${o.path}"
          value="${opt.value}"
          ${opt.value === o.value ? html` checked` : ''}${o.required ? html` required` : ''}${
            o.autofocus && n === 0 ? html` autofocus` : ''
          }${errs ? html` aria-invalid="true"` : ''}${opt.hint ? html` aria-describedby="${optionId}-hint"` : ''}
        />
        <label for="${optionId}">${opt.label}</label>
        ${opt.hint ? html`<p class="hint" id="${optionId}-hint">${opt.hint}</p>` : ''}
      </div>`;
    })}
  </fieldset>`;
}

/** One checkbox that sends `true` when ticked (an acceptance). */
export function checkbox(o: Omit<FieldOptions, 'type' | 'autocomplete' | 'inputmode' | 'value'> & { checked?: boolean }): Html {
  const id = fieldId(o.path);
  const errs = o.errors?.get(o.path);
  const describedBy = described(o.path, o.hint, errs);
  return html`<div class="field choice">
    <input
      type="checkbox"
      id="${id}"
      name="${o.path}"
      value="true"
      ${o.checked ? html` checked` : ''}${o.required ? html` required` : ''}${o.autofocus ? html` autofocus` : ''}${
        errs ? html` aria-invalid="true"` : ''
      }${describedBy ? html` aria-describedby="${describedBy}"` : ''}
    />
    <label for="${id}">${o.label}</label>
    ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''} ${fieldErrorsHtml(o.path, errs)}
  </div>`;
}

export const csrfField = (csrf: string) => html`<input type="hidden" name="_csrf" value="${csrf}" />`;

/** A date for people: `2026-12-03 14:05 UTC`. */
export function when(value: Date | string | undefined): string {
  if (value === undefined) return '';
  const d = typeof value === 'string' ? new Date(value) : value;
  return Number.isNaN(d.getTime()) ? '' : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `SECURITY_OFFICIAL` → `Security Official`. */
export function words(value: string): string {
  return value
    .toLowerCase()
    .split('_')
    .map((w) => (w === 'eus' ? 'EUS' : w.charAt(0).toUpperCase() + w.slice(1)))
    .join(' ');
}
