import {describe, expect, it} from 'vitest'
import {redactAndShorten, redactSecrets} from '../../src/model/redact.js'

describe('redactSecrets', () => {
  it('masks before it shortens (redactAndShorten)', () => {
    const line = `${'x'.repeat(70)} (vncpasswd s3cret)`
    expect(redactAndShorten(line, 80)).not.toMatch(/s3c/)
    expect(redactAndShorten(line, 80)).toHaveLength(80)
  })

  it.each([
    [`vncpasswd = 's3cret'`, `vncpasswd = '***'`],
    [`vncpasswd="s3cret"`, `vncpasswd="***"`],
    [`vfb = [ 'vnc=1,vncpasswd=s3cret,keymap=de' ]`, `vfb = [ 'vnc=1,vncpasswd=***,keymap=de' ]`],
    [`(image (hvm (vncpasswd s3cret)))`, `(image (hvm (vncpasswd ***)))`],
    [`(vncpasswd 's3 cret')`, `(vncpasswd ***)`],
    [`spicepasswd = "x y"`, `spicepasswd = "***"`],
    [`extra = "root=/dev/xvda1 password=hunter2 ro"`, `extra = "root=/dev/xvda1 password=*** ro"`],
    [`target=rbd:pool/img:id=admin:passwd=abc`, `target=rbd:pool/img:id=admin:passwd=***`],
    [`iscsi:http://admin:hunter2@10.0.0.1/lun1`, `iscsi:http://admin:***@10.0.0.1/lun1`],
    [`<graphics type='vnc' port='-1' autoport='yes' passwd='s3cret'>`, `<graphics type='vnc' port='-1' autoport='yes' passwd='***'>`],
    // cut short by someone else's truncation: no closing parenthesis or quote
    [`(device (vfb (type vnc) (vncpasswd s3cret`, `(device (vfb (type vnc) (vncpasswd ***`],
    [`(vncpasswd 's3 cret`, `(vncpasswd ***`],
    [`vfb = [ 'vnc=1,vncpasswd="s3 cret`, `vfb = [ 'vnc=1,vncpasswd="***"`],
  ])('%s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected)
    expect(redactSecrets(input)).not.toMatch(/s3cret|s3 cret|hunter2|x y|=abc/)
  })

  it('leaves empty passwords and unrelated text alone', () => {
    for (const s of [`vncpasswd = ''`, `(vncpasswd '')`, `memory = 512`, `bootloader = "/usr/bin/pygrub"`]) expect(redactSecrets(s)).toBe(s)
  })
})
