import { ibanValid, luhnValid, redactPii } from './redaction';

describe('redactPii', () => {
  describe('e-mail addresses', () => {
    it('given a note with an address, when redacted, then the address is masked', () => {
      expect(redactPii('call back: ana.silva+meter@example.com.br please')).toEqual({
        text: 'call back: [EMAIL] please',
        redactions: ['email'],
      });
    });
  });

  describe('phone numbers', () => {
    it.each([
      ['+55 11 98765-4321'],
      ['+44 (0)20 7946 0958'],
      ['+1-555-123-4567'],
      ['+351912345678'],
      ['(11) 98765-4321'],
      ['(021) 3456 7890'],
      ['0171 555 1234'],
      ['555-123-4567'],
      ['98765-4321'],
    ])('given %s, when redacted, then it is masked as a phone', (phone) => {
      expect(redactPii(`owner ${phone} (evening)`)).toEqual({ text: 'owner [PHONE] (evening)', redactions: ['phone'] });
    });
  });

  describe('bank and card numbers', () => {
    it('given a valid IBAN with or without spaces, when redacted, then it is masked', () => {
      expect(redactPii('pay to GB82 WEST 1234 5698 7654 32').text).toBe('pay to [IBAN]');
      expect(redactPii('pay to DE89370400440532013000').redactions).toEqual(['iban']);
    });

    it('given an IBAN-shaped string with a wrong checksum, when redacted, then it is left alone', () => {
      expect(redactPii('ref GB82 WEST 1234 5698 7654 33').redactions).not.toContain('iban');
    });

    it.each(['4111 1111 1111 1111', '4111-1111-1111-1111', '378282246310005', '6011000990139424'])(
      'given the card number %s, when redacted, then it is masked',
      (card) => {
        expect(redactPii(`card ${card} exp 12/27`)).toEqual({ text: 'card [CARD] exp 12/27', redactions: ['card'] });
      },
    );

    it('given a 16-digit run failing Luhn, when redacted, then it is not treated as a card', () => {
      expect(redactPii('serial 4111111111111112').redactions).not.toContain('card');
    });
  });

  describe('national ids', () => {
    it.each(['123.456.789-09', '12.345.678/0001-95', '123-45-6789'])('given %s, when redacted, then it is masked', (id) => {
      expect(redactPii(`id ${id}`)).toEqual({ text: 'id [NATIONAL_ID]', redactions: ['national_id'] });
    });
  });

  describe('what must survive', () => {
    it.each([
      ['004512.7'],
      ['0045127'],
      ['12345678.25'],
      ['reading 004512.7 kWh'],
      ['ABC1234'],
      ['ABC1D23'],
      ['ABC-1234'],
      ['plate abc 1234 at gate 3'],
      ['meter 00012345 replaced on 2024-05-01 at 10:30'],
      ['asset MTR-000451'],
    ])('given %j, when redacted, then it is unchanged', (text) => {
      expect(redactPii(text)).toEqual({ text, redactions: [] });
    });

    it('given a mix, when redacted, then only the personal data is masked', () => {
      const result = redactPii('Plate ABC1D23, meter 004512.7, driver joao@example.org, +55 21 99876-5432');
      expect(result.text).toBe('Plate ABC1D23, meter 004512.7, driver [EMAIL], [PHONE]');
      expect(result.redactions).toEqual(['email', 'phone']);
    });

    it('given an empty text, when redacted, then nothing happens', () => {
      expect(redactPii('')).toEqual({ text: '', redactions: [] });
    });
  });

  describe('checksums', () => {
    it('luhn and mod-97 accept known-good numbers and reject altered ones', () => {
      expect(luhnValid('4111111111111111')).toBe(true);
      expect(luhnValid('4111111111111121')).toBe(false);
      expect(ibanValid('GB82WEST12345698765432')).toBe(true);
      expect(ibanValid('GB82WEST12345698765433')).toBe(false);
    });
  });
});
