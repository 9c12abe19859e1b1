import { minimalPdf } from '@chat/test-support';
import { detectMediaType } from './knowledge-media-type';

describe('detectMediaType', () => {
  it('judges files by their content, not their name', () => {
    // The name is not even given: a PDF is a PDF, whatever the uploader called it.
    expect(detectMediaType(minimalPdf(['Hello']))).toBe('application/pdf');
    expect(detectMediaType(Buffer.from('<!DOCTYPE html><html><body>Hi</body></html>'))).toBe(
      'text/html',
    );
    expect(detectMediaType(Buffer.from('\n  <html lang="en"><p>Hi</p></html>'))).toBe('text/html');
    expect(detectMediaType(Buffer.from('<h1>Prices</h1><p>49 euros</p>'))).toBe('text/html');
    expect(detectMediaType(Buffer.from('# Prices\n\nThe premium plan costs 49 euros.'))).toBe(
      'text/markdown',
    );
    expect(detectMediaType(Buffer.from('\uFEFFPlain words, née café.'))).toBe('text/plain');
  });

  it('refuses what is not a document: executables, binary data, text that is not UTF-8', () => {
    const windowsExecutable = Buffer.concat([
      Buffer.from('MZ\x90\x00', 'latin1'),
      Buffer.alloc(60),
    ]);
    expect(detectMediaType(windowsExecutable)).toBeUndefined();
    expect(detectMediaType(Buffer.from('\x7fELF\x02\x01\x01\x00', 'latin1'))).toBeUndefined();
    expect(detectMediaType(Buffer.from('text with a \u0000 NUL'))).toBeUndefined();
    expect(detectMediaType(Buffer.from([0xff, 0xfe, 0x41, 0x00]))).toBeUndefined();
    expect(detectMediaType(Buffer.from('caf\xe9', 'latin1'))).toBeUndefined();
  });
});
