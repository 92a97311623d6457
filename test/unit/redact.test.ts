import { describe, expect, it } from 'vitest';
import { InputError, LoadError } from '../../src/shared/errors.js';
import { redactSecrets } from '../../src/shared/redact.js';

describe('redactSecrets', () => {
  it('hides the user and password of a URL', () => {
    expect(redactSecrets('could not fetch model https://alice:s3cret@models.example/m.onnx: HTTP 401')).toBe(
      'could not fetch model https://***@models.example/m.onnx: HTTP 401',
    );
  });

  it('hides the values of credential query parameters, keeping the others', () => {
    const url = 'https://b.s3.example/m.onnx?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=deadbeef&v=2&token=t0k#frag';
    expect(redactSecrets(url)).toBe(
      'https://b.s3.example/m.onnx?X-Amz-Credential=***&X-Amz-Signature=***&v=2&token=***#frag',
    );
  });

  it('leaves a URL without secrets as it is', () => {
    const text = "model http://127.0.0.1:4173/models/mlp.onnx?v=3 is an HTML page, not a 'model'";
    expect(redactSecrets(text)).toBe(text);
  });
});

describe('errors', () => {
  it('never carry URL credentials in their message, stack or source', () => {
    const url = 'https://bob:hunter2@host.example/m.onnx?sig=abc';
    const error = new LoadError(`could not fetch model ${url}: TypeError: Failed to fetch ${url}`, { source: url });
    for (const text of [error.message, error.stack ?? '', error.source ?? '']) {
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('sig=abc');
    }
    expect(error.source).toBe('https://***@host.example/m.onnx?sig=***');
  });

  it('keep messages without secrets word for word', () => {
    expect(new InputError("input 'x' expects dims [n, 64], got [1, 63]").message).toBe(
      "input 'x' expects dims [n, 64], got [1, 63]",
    );
  });
});
