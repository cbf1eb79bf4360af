import { describe, expect, it } from 'vitest';
import {
  ABSENT,
  interpolate,
  MissingArgumentError,
  renderBodyTemplate,
  renderScalarTemplate,
  renderUrlTemplate,
  stringifyArgument,
} from '../../../server/tools/executor/templates.ts';

const args = {
  id: 'a/b c',
  n: 5,
  flag: false,
  none: null,
  tags: ['x y', 'z'],
  user: { name: 'Ada', address: { city: 'Paris' } },
  items: [{ sku: 'k1' }],
};

describe('URL templates', () => {
  it('percent-encodes each value', () => {
    expect(renderUrlTemplate('https://api.test/users/{{parameters.id}}/n/{{parameters.n}}', args)).toBe(
      'https://api.test/users/a%2Fb%20c/n/5',
    );
  });

  it('encodes array items one by one and joins them with commas', () => {
    expect(renderUrlTemplate('https://api.test/tags/{{parameters.tags}}', args)).toBe(
      'https://api.test/tags/x%20y,z',
    );
  });

  it('follows dotted paths and array indexes', () => {
    expect(
      renderUrlTemplate('https://api.test/{{parameters.user.address.city}}/{{parameters.items.0.sku}}', args),
    ).toBe('https://api.test/Paris/k1');
  });

  it('tolerates spaces inside the braces', () => {
    expect(renderUrlTemplate('https://api.test/{{ parameters.n }}', args)).toBe('https://api.test/5');
  });

  it('throws for an absent or null argument', () => {
    expect(() => renderUrlTemplate('https://api.test/{{parameters.missing}}', args)).toThrow(
      MissingArgumentError,
    );
    expect(() => renderUrlTemplate('https://api.test/{{parameters.none}}', args)).toThrow("argument 'none'");
  });

  it('never walks the prototype chain', () => {
    expect(() => renderUrlTemplate('https://api.test/{{parameters.constructor}}', args)).toThrow(
      MissingArgumentError,
    );
    expect(() => renderUrlTemplate('https://api.test/{{parameters.__proto__}}', args)).toThrow(
      MissingArgumentError,
    );
    expect(() => renderUrlTemplate('https://api.test/{{parameters.id.length}}', args)).toThrow(
      MissingArgumentError,
    );
  });
});

describe('header and query templates', () => {
  it('returns the raw value for a lone template', () => {
    expect(renderScalarTemplate('{{parameters.tags}}', args)).toEqual(['x y', 'z']);
    expect(renderScalarTemplate('{{parameters.flag}}', args)).toBe(false);
  });

  it('marks absent and null lone templates as ABSENT', () => {
    expect(renderScalarTemplate('{{parameters.missing}}', args)).toBe(ABSENT);
    expect(renderScalarTemplate('{{parameters.none}}', args)).toBe(ABSENT);
  });

  it('interpolates longer strings, absent values becoming empty', () => {
    expect(renderScalarTemplate('Bearer {{parameters.id}}-{{parameters.missing}}!', args)).toBe(
      'Bearer a/b c-!',
    );
  });

  it('leaves strings without templates alone', () => {
    expect(renderScalarTemplate('static {{ not a template }}', args)).toBe('static {{ not a template }}');
  });
});

describe('body templates', () => {
  it('substitutes raw argument values of any JSON type', () => {
    expect(
      renderBodyTemplate(
        {
          n: '{{parameters.n}}',
          user: '{{parameters.user}}',
          flag: '{{parameters.flag}}',
          none: '{{parameters.none}}',
        },
        args,
      ),
    ).toEqual({ n: 5, user: args.user, flag: false, none: null });
  });

  it('drops keys and array items whose argument is absent', () => {
    expect(
      renderBodyTemplate(
        { a: '{{parameters.missing}}', b: ['{{parameters.n}}', '{{parameters.missing}}'], c: 1 },
        args,
      ),
    ).toEqual({
      b: [5],
      c: 1,
    });
  });

  it('returns ABSENT for a whole body naming an absent argument', () => {
    expect(renderBodyTemplate('{{parameters.missing}}', args)).toBe(ABSENT);
  });

  it('uses the whole arguments object for {{parameters}}', () => {
    expect(renderBodyTemplate('{{parameters}}', args)).toBe(args);
    expect(renderBodyTemplate({ wrapped: '{{parameters}}' }, args)).toEqual({ wrapped: args });
  });

  it('interpolates templates inside longer strings', () => {
    expect(
      renderBodyTemplate({ text: 'Hi {{parameters.user.name}}, tags: {{parameters.tags}}' }, args),
    ).toEqual({
      text: 'Hi Ada, tags: x y,z',
    });
  });

  it('keeps a "__proto__" key as data', () => {
    const rendered = renderBodyTemplate(
      JSON.parse('{"__proto__": {"polluted": "{{parameters.n}}"}}'),
      args,
    ) as Record<string, unknown>;
    expect(Object.getPrototypeOf(rendered)).toBe(Object.prototype);
    expect(JSON.stringify(rendered)).toBe('{"__proto__":{"polluted":5}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('stringifying arguments', () => {
  it.each([
    ['text', 'text'],
    [3.5, '3.5'],
    [true, 'true'],
    [null, ''],
    [undefined, ''],
    [['a', 1, null], 'a,1,'],
    [{ a: 1 }, '{"a":1}'],
    [[{ a: 1 }], '[{"a":1}]'],
  ])('%j becomes %j', (value, expected) => {
    expect(stringifyArgument(value)).toBe(expected);
  });

  it('applies an encoder to interpolated values only', () => {
    expect(interpolate('q={{parameters.id}}&x=/', args, encodeURIComponent)).toBe('q=a%2Fb%20c&x=/');
  });
});
