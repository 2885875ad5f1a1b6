/** The libvirt URI of the libxl driver (what xen2libvirt and virsh on a Xen host use). */
export const LIBXL_URI = 'xen:///system'

/**
 * `virsh -c xen:///system SUB [OPTIONS…] -- OPERANDS…`. Domain names are data, not options:
 * virsh reads a `--word` operand as an option (a domain named `--all` would change the
 * command), so operands always follow `--` (vsh.c ends option parsing there). Every virsh call
 * that names a domain goes through here.
 */
export function virshArgv(sub: string, operands: readonly string[], options: readonly string[] = []): string[] {
  return ['virsh', '-c', LIBXL_URI, sub, ...options, '--', ...operands]
}

/** `xl SUB -- OPERANDS…`: xl parses options with getopt, which stops at `--` too. */
export function xlArgv(sub: string, operands: readonly string[]): string[] {
  return ['xl', sub, '--', ...operands]
}
