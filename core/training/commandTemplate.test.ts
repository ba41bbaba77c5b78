import { describe, expect, it } from 'vitest';
import { expandTemplate, fillWord, shellLine, shellQuote, splitWords, TemplateError, ULTRALYTICS_TEMPLATES } from './commandTemplate';

describe('command templates', () => {
  it('splits words on whitespace, with quotes grouping and backslash escaping', () => {
    expect(splitWords(`yolo  train "data=/a b/d.yaml" 'x y' a\\ b c""d`)).toEqual(['yolo', 'train', 'data=/a b/d.yaml', 'x y', 'a b', 'cd']);
    expect(splitWords(`a '' b`)).toEqual(['a', '', 'b']);
    expect(() => splitWords(`a "b`)).toThrow(TemplateError);
  });

  it('fills placeholders inside a word and keeps each value inside its word', () => {
    const argv = expandTemplate('yolo detect train data={data} epochs={epochs}', { data: '/p/my data; rm -rf ~/d.yaml', epochs: 3 });
    expect(argv).toEqual(['yolo', 'detect', 'train', 'data=/p/my data; rm -rf ~/d.yaml', 'epochs=3']);
    // Shell characters in the template itself are plain text too: there is no shell.
    expect(expandTemplate('echo a|b > c $HOME', {})).toEqual(['echo', 'a|b', '>', 'c', '$HOME']);
    expect(fillWord('{{literal}}', {})).toBe('{literal}');
  });

  it('refuses unknown or empty placeholders instead of passing them on', () => {
    expect(() => expandTemplate('yolo {dta}', { data: 'x' })).toThrow(/unknown placeholder \{dta\}/);
    expect(() => expandTemplate('yolo {model}', {})).toThrow(/\{model\} has no value/);
    expect(() => expandTemplate('   ', {})).toThrow(/empty command/);
  });

  it('expands the Ultralytics defaults into argv', () => {
    const values = { data: '/s/data.yaml', workdir: '/w', epochs: 5, imgsz: 320, batch: 8, model: 'yolov8n.pt', device: 'cpu' };
    expect(expandTemplate(ULTRALYTICS_TEMPLATES.train, values).slice(0, 5)).toEqual(['yolo', 'detect', 'train', 'data=/s/data.yaml', 'model=yolov8n.pt']);
    expect(expandTemplate(ULTRALYTICS_TEMPLATES.export, values)).toEqual(['yolo', 'export', 'model=/w/train/weights/best.pt', 'format=onnx', 'imgsz=320', 'opset=12']);
  });

  it('quotes words for a remote POSIX shell', () => {
    expect(shellQuote('data=/a/b.yaml')).toBe('data=/a/b.yaml');
    expect(shellQuote("it's; rm -rf /")).toBe(`'it'\\''s; rm -rf /'`);
    expect(shellQuote('')).toBe(`''`);
    expect(shellLine(['yolo', 'data=/a b', '$(x)'])).toBe(`yolo 'data=/a b' '$(x)'`);
  });
});
