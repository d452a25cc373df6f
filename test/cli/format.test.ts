import { describe, expect, it } from 'vitest';
import { formatCounts, formatDiagnostic } from '../../src/cli/format.js';
import type { Diagnostic } from '../../src/core/model/types.js';

const d: Diagnostic = {
  code: 'LS012', severity: 'error', file: 'models/b2b.yaml', line: 14, col: 9, path: 'fit.rules[2].if',
  message: 'unknown operator "gretaer_than" in fit.rules[2].if (did you mean "gt"?)', hint: 'operators: equals, in, gt',
};

describe('formatDiagnostic', () => {
  it('prints file:line:col severity code message, and the hint indented', () => {
    expect(formatDiagnostic(d)).toBe(
      'models/b2b.yaml:14:9 error LS012 unknown operator "gretaer_than" in fit.rules[2].if (did you mean "gt"?)\n  hint: operators: equals, in, gt',
    );
  });
  it('leaves out what is unknown', () => {
    expect(formatDiagnostic({ code: 'LS003', severity: 'error', file: 'm.yaml', message: 'cannot read' }, { hint: false })).toBe('m.yaml error LS003 cannot read');
    expect(formatDiagnostic({ code: 'LS070', severity: 'warning', message: 'x' })).toBe('warning LS070 x');
  });
  it('colours only when asked', () => {
    expect(formatDiagnostic(d, { color: true })).toMatch(/\x1b\[/);
    expect(formatDiagnostic(d, { color: false })).not.toMatch(/\x1b\[/);
  });
  it('counts', () => {
    expect(formatCounts(2, 1)).toBe('2 errors, 1 warning');
    expect(formatCounts(1, 0)).toBe('1 error');
  });
});
