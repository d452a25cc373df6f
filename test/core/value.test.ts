// Cell values (src/core/value.ts): numbers with thousands separators and decimal commas, timestamps in
// every accepted shape, and the model keys input.*.number_format / date_format that choose between them.
import { describe, expect, it } from 'vitest';
import { makeNulls, parseNumber, parseTimestamp, present } from '../../src/core/value.js';
import { validateModel } from '../../src/core/model/validate.js';

const utc = (s: string): number => Date.parse(s);

describe('parseNumber, number_format point (default)', () => {
  it.each([
    ['0', 0],
    ['1200', 1200],
    ['-3', -3],
    ['+7', 7],
    ['1200.50', 1200.5],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['2.5E-2', 0.025],
    ['1,200', 1200],
    ['1,234,567.89', 1234567.89],
    ['-1,234.5', -1234.5],
  ])('%j -> %d', (s, n) => {
    expect(parseNumber(s)).toBe(n);
    expect(parseNumber(s, 'point')).toBe(n);
  });

  it.each(['', 'many', '1,5', '12,34', '1,2345', '1.234,56', '1 234', '0x10', 'Infinity', 'NaN', '1..2', '--1', '1-2', '12a', '1,23,456'])(
    '%j is not a number',
    (s) => expect(parseNumber(s)).toBeNaN(),
  );
});

describe('parseNumber, number_format comma (decimal comma)', () => {
  it.each([
    ['1234,56', 1234.56],
    ['1.234,56', 1234.56],
    ['1.234.567,8', 1234567.8],
    ['-1.234,5', -1234.5],
    ['0,5', 0.5],
    ['1.234', 1234], // a dot with three digits after it groups thousands
    ['1.234.567', 1234567],
    ['1 234,56', 1234.56], // space, no-break space and narrow no-break space group thousands too
    ['1\u00a0234,56', 1234.56],
    ['12\u202f345', 12345],
    ['1200', 1200],
    ['-3', -3],
    ['2.5', 2.5], // not a thousands group: read as written
  ])('%j -> %d', (s, n) => expect(parseNumber(s, 'comma')).toBe(n));

  it.each(['1,234.56', '1.23,4', '12.34.56', '1,2,3', ',5', 'abc', '1 23,4'])('%j is not a number', (s) =>
    expect(parseNumber(s, 'comma')).toBeNaN(),
  );
});

describe('parseTimestamp', () => {
  it.each([
    ['2026-10-12', '2026-10-12T00:00:00Z'],
    ['2026-10-12T08:14:03Z', '2026-10-12T08:14:03Z'],
    ['2026-10-12t08:14:03z', '2026-10-12T08:14:03Z'],
    ['2026-10-12T08:14:03', '2026-10-12T08:14:03Z'], // no offset: UTC
    ['2026-10-12T08:14', '2026-10-12T08:14:00Z'],
    ['2026-10-12 08:14:03', '2026-10-12T08:14:03Z'],
    ['2026-10-12T08:14:03.120Z', '2026-10-12T08:14:03.120Z'],
    ['2026-10-12T08:14:03,5Z', '2026-10-12T08:14:03.500Z'],
    ['2026-10-12T08:14:03.123456789Z', '2026-10-12T08:14:03.123Z'],
    ['2026-10-12T08:14:03+02:00', '2026-10-12T06:14:03Z'],
    ['2026-10-12T08:14:03+0200', '2026-10-12T06:14:03Z'],
    ['2026-10-12T08:14:03+02', '2026-10-12T06:14:03Z'],
    ['2026-10-12T08:14:03-05:30', '2026-10-12T13:44:03Z'],
    ['2026-10-12 08:14:03.120+03:00', '2026-10-12T05:14:03.120Z'],
    ['2024-02-29', '2024-02-29T00:00:00Z'],
    ['2000-02-29', '2000-02-29T00:00:00Z'],
  ])('ISO %j', (s, iso) => {
    for (const f of ['iso', 'dmy', 'mdy'] as const) expect(parseTimestamp(s, f)).toBe(utc(iso));
  });

  it('reads years below 100 as written (not as 19xx)', () => {
    expect(parseTimestamp('0026-10-12')).toBe(new Date('0026-10-12T00:00:00Z').getTime());
    expect(new Date(parseTimestamp('0099-12-31T23:59:59Z')).toISOString()).toBe('0099-12-31T23:59:59.000Z');
    expect(new Date(parseTimestamp('01.02.0050', 'dmy')).toISOString()).toBe('0050-02-01T00:00:00.000Z');
  });

  it('reads epoch seconds (10 digits) and milliseconds (13 digits) with every format', () => {
    for (const f of ['iso', 'dmy', 'mdy'] as const) {
      expect(parseTimestamp('1791792000', f)).toBe(utc('2026-10-12T08:00:00Z'));
      expect(parseTimestamp('1791792000123', f)).toBe(utc('2026-10-12T08:00:00.123Z'));
    }
  });

  it.each([
    ['12.10.2026', '2026-10-12T00:00:00Z'],
    ['12/10/2026', '2026-10-12T00:00:00Z'],
    ['12-10-2026', '2026-10-12T00:00:00Z'],
    ['1.2.2026', '2026-02-01T00:00:00Z'],
    ['12.10.2026 08:14', '2026-10-12T08:14:00Z'],
    ['12/10/2026 08:14:03', '2026-10-12T08:14:03Z'],
    ['29.02.2024', '2024-02-29T00:00:00Z'],
  ])('date_format dmy: %j', (s, iso) => {
    expect(parseTimestamp(s, 'dmy')).toBe(utc(iso));
    expect(parseTimestamp(s, 'iso')).toBeNaN(); // day-first only when the model says so
  });

  it.each([
    ['10/12/2026', '2026-10-12T00:00:00Z'],
    ['2/1/2026', '2026-02-01T00:00:00Z'],
    ['10/12/2026 23:59', '2026-10-12T23:59:00Z'],
  ])('date_format mdy: %j', (s, iso) => {
    expect(parseTimestamp(s, 'mdy')).toBe(utc(iso));
    expect(parseTimestamp(s, 'iso')).toBeNaN();
  });

  it('the same text is day-first or month-first by date_format', () => {
    expect(parseTimestamp('03/04/2026', 'dmy')).toBe(utc('2026-04-03'));
    expect(parseTimestamp('03/04/2026', 'mdy')).toBe(utc('2026-03-04'));
    expect(parseTimestamp('13/04/2026', 'mdy')).toBeNaN();
  });

  it.each([
    '', 'not a date', 'yesterday', '2026', '2026-10', '20261012', '2026/10/12', '2026-13-01', '2026-00-10', '2026-02-29',
    '2026-04-31', '2026-10-32', '2026-10-12T24:00:00Z', '2026-10-12T08:60Z', '2026-10-12T08', '2026-10-12T08:14:03.Z',
    '2026-10-12T08:14:03+25:00', '2026-10-12T08:14:03 +02:00', '2026-10-12X08:14', '2026-10-12T08:14:03ZZ', '179179200',
    '17917920001', '-1791792000', '12.10.26', '31.02.2026', '12.10.2026 25:00', '12.10.2026 08:14:03.5',
  ])('%j does not parse (any format)', (s) => {
    for (const f of ['iso', 'dmy', 'mdy'] as const) expect(parseTimestamp(s, f)).toBeNaN();
  });
});

describe('present (missing values)', () => {
  const nulls = makeNulls(['', 'N/A', 'Select']);
  it.each([
    ['', undefined],
    ['   ', undefined],
    ['\t', undefined],
    ['n/a', undefined],
    [' Select ', undefined],
    ['SELECT', undefined],
    ['null', 'null'], // the model's list replaces the default
    [' IT ', 'IT'],
    ['Selected', 'Selected'],
  ])('%j -> %j', (cell, out) => expect(present(cell, nulls)).toBe(out));
  it('undefined (no such column in the row) is missing', () => expect(present(undefined, nulls)).toBeUndefined());
});

describe('model keys input.*.number_format and date_format', () => {
  const model = (leads: Record<string, unknown>, activities?: Record<string, unknown>) => ({
    version: 1,
    name: 'm',
    input: {
      leads: { id: 'lead_id', ...leads },
      ...(activities ? { activities: { lead_id: 'lead_id', type: 'type', timestamp: 'ts', ...activities } } : {}),
    },
    fit: { rules: [{ id: 'big', if: { field: 'employees', gte: 1000 }, points: 10 }] },
  });
  const codes = (r: { errors: { code: string }[] }) => r.errors.map((e) => e.code);

  it('defaults: nothing set (the scorer reads point and iso)', () => {
    const r = validateModel(model({}, {}));
    expect(codes(r)).toEqual([]);
    expect(r.value!.input.leads.numberFormat).toBeUndefined();
    expect(r.value!.input.leads.dateFormat).toBeUndefined();
  });

  it('normalises the values of leads and activities', () => {
    const r = validateModel(model({ number_format: 'comma', date_format: 'dmy' }, { number_format: 'point', date_format: 'MDY' }));
    expect(codes(r)).toEqual([]);
    expect(r.value!.input.leads).toMatchObject({ numberFormat: 'comma', dateFormat: 'dmy' });
    expect(r.value!.input.activities).toMatchObject({ numberFormat: 'point', dateFormat: 'mdy' });
  });

  it.each([
    [{ number_format: 'decimal_comma' }, undefined, 'LS014', 'comma'],
    [{ number_format: 'comme' }, undefined, 'LS014', 'comma'],
    [{ date_format: 'DD.MM.YYYY' }, undefined, 'LS014', 'dmy'],
    [{ date_format: 'mm/dd/yyyy' }, undefined, 'LS014', 'mdy'],
    [{ date_format: 'european' }, undefined, 'LS014', undefined],
    [{ date_format: 3 }, undefined, 'LS014', undefined],
    [{ date_format: ['dmy'] }, undefined, 'LS011', undefined],
    [{ number_format: null }, undefined, 'LS011', undefined],
    [{}, { date_format: 'ymd' }, 'LS014', undefined],
    [{}, { number_fromat: 'comma' }, 'LS010', undefined],
  ])('%j / %j -> %s', (leads, activities, code, guess) => {
    const r = validateModel(model(leads, activities));
    expect(r.value).toBeUndefined();
    expect(codes(r)).toEqual([code]);
    if (guess) expect(r.errors[0]!.message).toContain(`"${guess}"`);
  });
});
