/**
 * Command templates of the external trainer back ends (`command`, `ssh`).
 *
 * A template is a command line the user configures, e.g. `yolo detect train data={data}
 * epochs={epochs}`. It is split into argv words here (quotes group words; nothing else is
 * special: no pipes, redirections, variables or globs), then each `{name}` inside a word is
 * replaced by its value. A value always stays inside its word, so a path with spaces or quotes
 * in it can never become a second argument or a shell command: the `command` back end runs the
 * words with `spawn` and no shell, and the `ssh` back end quotes each word for the remote shell
 * (`shellQuote`). Pure, so the Models tab can show and check the defaults too.
 */

/** Placeholders a template may use; an unknown `{name}` is an error, not left as text. */
export const TEMPLATE_PLACEHOLDERS = [
  // the trainer's command
  'data', 'snapshot', 'workdir', 'epochs', 'imgsz', 'batch', 'model', 'device', 'onnx', 'results',
  // the ssh back end's ssh and copy commands
  'host', 'port', 'local', 'remote',
] as const;
export type TemplatePlaceholder = (typeof TEMPLATE_PLACEHOLDERS)[number];
export type TemplateValues = Partial<Record<TemplatePlaceholder, string | number>>;

/**
 * Ultralytics defaults. `project={workdir} name=train exist_ok=True` fixes where the run lands
 * (`{workdir}/train/weights/best.pt`, `{workdir}/train/results.csv`); `plots=False` keeps it
 * from drawing plots, which needs the Arial.ttf font that Ultralytics downloads when missing
 * (see docs/models.md for the offline pitfalls).
 */
export const ULTRALYTICS_TEMPLATES = {
  train:
    'yolo detect train data={data} model={model} epochs={epochs} imgsz={imgsz} batch={batch} device={device} project={workdir} name=train exist_ok=True plots=False',
  export: 'yolo export model={workdir}/train/weights/best.pt format=onnx imgsz={imgsz} opset=12',
  onnx: '{workdir}/train/weights/best.onnx',
  results: '{workdir}/train/results.csv',
} as const;

export const ULTRALYTICS_DEFAULTS = { epochs: 50, imgsz: 640, batch: 16, model: 'yolov8n.pt', device: 'cpu' } as const;

/**
 * The ssh back end's commands: the system OpenSSH client and scp, never asking for a password
 * (BatchMode: keys or an agent only, so a job cannot hang on a prompt). `--` ends ssh's options
 * before the host, so nothing after it is read as an option. The remote command line is appended
 * to `ssh` as one last word.
 */
export const SSH_TEMPLATES = {
  ssh: 'ssh -o BatchMode=yes -o ConnectTimeout=20 -p {port} -- {host}',
  copyUp: 'scp -B -q -r -P {port} {local} {host}:{remote}',
  copyDown: 'scp -B -q -P {port} {host}:{remote} {local}',
} as const;

export class TemplateError extends Error {}

/** Split a command line into words: whitespace separates, '...' and "..." group, \ escapes one character. */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) throw new TemplateError(`unclosed ${quote} in: ${line}`);
  if (word !== null) words.push(word);
  return words;
}

/** Replace `{name}` in one word; `{{` and `}}` stand for literal braces. */
export function fillWord(word: string, values: TemplateValues): string {
  return word.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (match, name: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    if (!(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name!)) {
      throw new TemplateError(`unknown placeholder {${name}} (known: ${TEMPLATE_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')})`);
    }
    const value = values[name as TemplatePlaceholder];
    if (value === undefined || value === '') throw new TemplateError(`placeholder {${name}} has no value`);
    return String(value);
  });
}

/** A template (a command line, or argv words given one by one) as argv with its placeholders filled. */
export function expandTemplate(template: string | readonly string[], values: TemplateValues): string[] {
  const words = typeof template === 'string' ? splitWords(template) : [...template];
  if (!words.length) throw new TemplateError('empty command');
  return words.map((w) => fillWord(w, values));
}

/** One word quoted for a POSIX shell ('...' with embedded ' as '\''); plain words stay as they are. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** argv as one command line for a remote shell (what `ssh host -- <line>` runs). */
export function shellLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
