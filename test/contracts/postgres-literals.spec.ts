import fc from 'fast-check';
import { escapeLiteral as driverEscapeLiteral } from 'pg';
import { escapeLiteral, inlined } from '../../src/infrastructure/postgres/postgres-event-sql';

/** The append's values go into its SQL as literals: written exactly as the driver would write them. */
describe('PostgreSQL literals of the append', () => {
  it("escapes every text as node-postgres's escapeLiteral does", () => {
    for (const text of ['', 'plain', "it's", "''", '\\', 'a\\b', "both ' and \\", '{"text":"it\'s \\"q\\" \\\\n"}', 'üñí\u0000code']) expect(escapeLiteral(text)).toBe(driverEscapeLiteral(text));
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', "'", '\\', '"', 'é', ' ') }), (text) => escapeLiteral(text) === driverEscapeLiteral(text)), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => escapeLiteral(text) === driverEscapeLiteral(text)), { numRuns: 2000 });
  });

  it('inlines texts, integers and arrays, and refuses a missing value or a non-integer', () => {
    expect(inlined('SELECT $1::text, $2, $3::text[], $1', ["o'k", 7, ['a\\b', 'c']])).toBe("SELECT 'o''k'::text, 7, ARRAY[ E'a\\\\b','c']::text[], 'o''k'");
    expect(() => inlined('SELECT $2', ['x'])).toThrow('no value for $2');
    expect(() => inlined('SELECT $1', [1.5])).toThrow('not an integer');
  });
});
