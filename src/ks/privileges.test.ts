import { describe, expect, it } from 'vitest';
import { buildPrivileges, parsePrivileges, privilegesToFields } from './privileges.js';
import { parseStrBinary, phpVariableName } from './php-parse-str.js';

describe('parsePrivileges', () => {
  it('reads name, name:value, first : splits, / separates values, *', () => {
    const parsed = parsePrivileges('sview:0_a/0_b,custom:k1:v1:v2,enableentitlement,*,download:');
    expect([...parsed]).toEqual([
      ['sview', ['0_a', '0_b']],
      ['custom', ['k1:v1:v2']],
      ['enableentitlement', []],
      ['*', []],
      ['download', []],
    ]);
  });

  it('collects the values of a repeated name and does not trim', () => {
    expect(Object.fromEntries(parsePrivileges('edit:1,edit:2/3'))).toEqual({ edit: ['1', '2', '3'] });
    expect(Object.fromEntries(parsePrivileges(' sview:1 , edit:2 '))).toEqual({ ' sview': ['1 '], ' edit': ['2 '] });
    expect(Object.fromEntries(parsePrivileges(''))).toEqual({ '': [] });
  });

  it('keeps names like __proto__ and numbers in order', () => {
    expect([...parsePrivileges('z:1,__proto__:x,10:y').keys()]).toEqual(['z', '__proto__', '10']);
  });
});

describe('buildPrivileges', () => {
  it('writes name:value/value or the name alone', () => {
    expect(buildPrivileges({ sview: ['0_a', '0_b'], list: '*', enableentitlement: [] })).toBe('sview:0_a/0_b,list:*,enableentitlement');
    expect(buildPrivileges(new Map<string, string[] | string>([['edit', ['1']], ['x', '']]))).toBe('edit:1,x');
    expect(buildPrivileges([['iprestrict', ['1.2.3.4']]])).toBe('iprestrict:1.2.3.4');
  });

  it('is the inverse of parsePrivileges for well-formed strings', () => {
    for (const s of ['sview:0_a/0_b,list:*', 'a,b:c:d,e:f/g/h', 'urirestrict:/api_v3/*']) {
      expect(buildPrivileges(parsePrivileges(s))).toBe(s);
    }
  });
});

describe('privilegesToFields (KS v2)', () => {
  it('trims like PHP, skips empty and 0, maps * to all:*, later duplicates win in place', () => {
    expect(privilegesToFields(' sview:1 , edit:2 ')).toEqual([['sview', '1'], ['edit', '2']]);
    expect(privilegesToFields('*,,0, ,edit:1')).toEqual([['all', '*'], ['edit', '1']]);
    expect(privilegesToFields('edit:1,list:*,edit:2')).toEqual([['edit', '2'], ['list', '*']]);
    expect(privilegesToFields('download:,x')).toEqual([['download', ''], ['x', '']]);
    expect(privilegesToFields('\u00a0a')).toEqual([['\u00a0a', '']]); // PHP trim leaves NBSP
  });
});

describe('parse_str name mangling', () => {
  it('mangles like PHP', () => {
    expect(phpVariableName('my.priv name')).toBe('my_priv_name');
    expect(phpVariableName('  lead')).toBe('lead');
    expect(phpVariableName('a[b.c')).toBe('a_b_c');
    expect(phpVariableName('a[b]')).toBeNull();
    expect(phpVariableName('[x')).toBe('');
    expect(phpVariableName('ab\0cd')).toBe('ab');
  });

  it('parses pairs, later duplicates overwrite in place', () => {
    expect(parseStrBinary('a=1&b.c=x+y&&a=2&flag')).toEqual([['a', '2'], ['b_c', 'x y'], ['flag', '']]);
    expect(parseStrBinary('a[]=1')).toBeNull();
  });
});
