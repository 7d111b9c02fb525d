/**
 * @file Reads a rendered page as a person (or a screen reader) does: by headings,
 * labels, legends, captions, roles and text, never by markup. A class name or
 * the order of attributes can change without a test noticing; what the page
 * says and what its controls do cannot.
 *
 * Lookups by name answer undefined when nothing has that name (so a test can
 * say "there is no such field") and throw when several do.
 */
import { load, type CheerioAPI } from 'cheerio';

type Nodes = ReturnType<CheerioAPI>;

/** An input, select or textarea as its label names it. */
export interface Field {
  name: string | undefined;
  type: string;
  value: string;
  checked: boolean;
  disabled: boolean;
  /** What the browser may offer to fill in, and the keyboard it shows. */
  autocomplete: string | undefined;
  inputmode: string | undefined;
  /** Marked aria-invalid="true". */
  invalid: boolean;
  /** What is read with it besides its label (aria-describedby): hint, error message. */
  description: string[];
}

export interface Choice { label: string; value: string; checked: boolean; disabled: boolean }

/** The radios or checkboxes sharing one name, with the legend of their fieldset. */
export interface ChoiceGroup { legend: string | undefined; description: string[]; options: Choice[] }

/** A button, what is read with it besides its text, and the form it submits. */
export interface Button { type: string; description: string[]; form: Form | undefined }

/** Where a form goes, and the hidden fields it sends along. */
export interface Form { action: string; method: string; hidden: Record<string, string> }

/** A table's body rows, each cell keyed by its column header. */
export interface Table { rows: Record<string, string>[]; description: string[] }

export interface PageReader {
  /** The first heading: the page's h1, or a section's own heading. */
  heading(): string | undefined;
  /** All text, whitespace collapsed (visually hidden text included, as a screen reader reads it). */
  text(): string;
  /** The part of the page under the heading `name` (h2–h6), read the same way. */
  section(name: string): PageReader | undefined;
  field(label: string): Field | undefined;
  radios(name: string): ChoiceGroup | undefined;
  checkboxes(name: string): ChoiceGroup | undefined;
  button(text: string): Button | undefined;
  /** The href of the link with this text. */
  link(text: string): string | undefined;
  table(caption: string): Table | undefined;
  /** Every form, by where it posts. */
  forms(): Form[];
  /** The definition of a term in a description list (dt → dd). */
  term(name: string): string | undefined;
  /** Texts of the list items, in order. */
  listItems(): string[];
  /** The step marked aria-current="step". */
  currentStep(): string | undefined;
  /**
   * The error summary (role="alert"): each message, and the name of what its link leads to (a control's label, the
   * legend of a group of choices, a table's caption); undefined for a message about the whole form or a broken link.
   */
  errors(): { message: string; field: string | undefined }[];
  /** Notices announced with role="status". */
  status(): string[];
}

const collapse = (s: string): string => s.replace(/[ \t\r\n\f]+/g, ' ').trim();

/** The page's <main> (the site header and menu left out), or the whole document when it has none. */
export function readPage(html: string): PageReader {
  const $ = load(html);
  const main = $('main');
  return reader($, main.length > 0 ? main.first() : $.root());
}

function reader($: CheerioAPI, root: Nodes): PageReader {
  const textOf = (nodes: Nodes): string => collapse(nodes.text());
  const byId = (id: string): Nodes => $('[id]').filter((_, el) => $(el).attr('id') === id);
  /** At most one match, or an error naming what was ambiguous. */
  const single = (nodes: Nodes, what: string): Nodes | undefined => {
    if (nodes.length > 1) throw new Error(`${nodes.length} elements match ${what}`);
    return nodes.length === 1 ? nodes : undefined;
  };
  const named = (selector: string, name: string): Nodes => root.find(selector).filter((_, el) => textOf($(el)) === name);
  const described = (nodes: Nodes): string[] =>
    (nodes.attr('aria-describedby') ?? '').split(/\s+/).filter(Boolean).map((id) => textOf(byId(id)));
  const has = (nodes: Nodes, attribute: string): boolean => nodes.attr(attribute) !== undefined;
  const labelOf = (control: Nodes): string => {
    const id = control.attr('id');
    const byFor = id === undefined ? undefined : $('label[for]').filter((_, el) => $(el).attr('for') === id);
    return textOf(byFor?.length ? byFor : control.closest('label'));
  };
  /** What a link to `#id` leads to, named as a person would name it. */
  const nameOfTarget = (href: string | undefined): string | undefined => {
    const target = href?.startsWith('#') ? byId(href.slice(1)) : undefined;
    if (!target?.length) return undefined;
    if (target.is('table')) return textOf(target.children('caption'));
    const fieldset = target.closest('fieldset');
    if (target.is('input[type="radio"], input[type="checkbox"]') && fieldset.length) return textOf(fieldset.children('legend'));
    return labelOf(target);
  };
  const formOf = (form: Nodes): Form => ({
    action: form.attr('action') ?? '',
    method: (form.attr('method') ?? 'get').toLowerCase(),
    hidden: Object.fromEntries(
      form.find('input[type="hidden"]').toArray().map((el) => [$(el).attr('name') ?? '', $(el).attr('value') ?? '']),
    ),
  });
  const group = (type: string, name: string): ChoiceGroup | undefined => {
    const inputs = root.find(`input[type="${type}"]`).filter((_, el) => $(el).attr('name') === name);
    if (inputs.length === 0) return undefined;
    const fieldset = inputs.first().closest('fieldset');
    return {
      legend: fieldset.length ? textOf(fieldset.children('legend')) : undefined,
      description: [...new Set([...described(fieldset), ...inputs.toArray().flatMap((el) => described($(el)))])],
      options: inputs.toArray().map((el) => {
        const input = $(el);
        return { label: labelOf(input), value: input.attr('value') ?? 'on', checked: has(input, 'checked'), disabled: has(input, 'disabled') };
      }),
    };
  };

  return {
    heading: () => {
      const first = root.find('h1, h2, h3, h4, h5, h6').first();
      return first.length ? textOf(first) : undefined;
    },
    text: () => textOf(root),
    section: (name) => {
      const heading = single(named('h2, h3, h4, h5, h6', name), `heading 「${name}」`);
      if (!heading) return undefined;
      const id = heading.attr('id');
      const labelled = heading.parents('[aria-labelledby]').filter((_, el) => id !== undefined && $(el).attr('aria-labelledby') === id);
      return reader($, labelled.length ? labelled.first() : heading.parent());
    },
    field: (label) => {
      const found = single(named('label', label), `label 「${label}」`);
      if (!found) return undefined;
      const target = found.attr('for');
      const control = target === undefined ? found.find('input, select, textarea').first() : byId(target);
      if (control.length === 0) return undefined;
      const tag = control.prop('tagName')?.toLowerCase();
      return {
        name: control.attr('name'),
        type: tag === 'input' ? (control.attr('type') ?? 'text') : (tag ?? ''),
        value: tag === 'select' ? (control.find('option[selected]').attr('value') ?? '')
          : tag === 'textarea' ? control.text() : (control.attr('value') ?? ''),
        checked: has(control, 'checked'),
        disabled: has(control, 'disabled'),
        autocomplete: control.attr('autocomplete'),
        inputmode: control.attr('inputmode'),
        invalid: control.attr('aria-invalid') === 'true',
        description: described(control),
      };
    },
    radios: (name) => group('radio', name),
    checkboxes: (name) => group('checkbox', name),
    button: (text) => {
      const found = single(named('button', text), `button 「${text}」`);
      if (!found) return undefined;
      const form = found.closest('form');
      return { type: found.attr('type') ?? 'submit', description: described(found), form: form.length ? formOf(form) : undefined };
    },
    link: (text) => single(named('a[href]', text), `link 「${text}」`)?.attr('href'),
    table: (caption) => {
      const table = single(root.find('table').filter((_, el) => textOf($(el).children('caption')) === caption), `table 「${caption}」`);
      if (!table) return undefined;
      const headers = table.find('thead th').toArray().map((el) => textOf($(el)));
      const rows = table.find('tbody tr').toArray().map((tr) =>
        Object.fromEntries($(tr).children('td, th').toArray().map((cell, i) => [headers[i] ?? String(i), textOf($(cell))])),
      );
      return { rows, description: described(table) };
    },
    forms: () => root.find('form').toArray().map((el) => formOf($(el))),
    term: (name) => {
      const dt = single(named('dt', name), `term 「${name}」`);
      return dt && textOf(dt.nextAll('dd').first());
    },
    listItems: () => root.find('li').toArray().map((el) => textOf($(el))),
    currentStep: () => {
      const step = single(root.find('[aria-current="step"]'), 'aria-current="step"');
      return step && textOf(step);
    },
    errors: () => root.find('[role="alert"] li').toArray().map((el) => ({ message: textOf($(el)), field: nameOfTarget($(el).find('a').attr('href')) })),
    status: () => root.find('[role="status"]').toArray().map((el) => textOf($(el))),
  };
}
