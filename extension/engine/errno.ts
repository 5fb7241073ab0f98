// The errno values the modelled code paths return (x86-64 Linux numbering).
export const EIO = 5;
export const ENOMEM = 12;
export const EFAULT = 14;
export const EOVERFLOW = 75;
export const EHWPOISON = 133;

const NAMES: Record<number, string> = { [EIO]: 'EIO', [ENOMEM]: 'ENOMEM', [EFAULT]: 'EFAULT', [EOVERFLOW]: 'EOVERFLOW', [EHWPOISON]: 'EHWPOISON' };

/** "-EFAULT" for -14; the number itself for values we do not name. */
export function errnoName(ret: number): string {
  const name = NAMES[-ret];
  return name ? `-${name}` : String(ret);
}
