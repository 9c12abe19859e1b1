/**
 * How a staff member is named to visitors and in transcripts: the first word of their email's
 * local part, capitalised (`sam.lee@example.com` is "Sam"). Visitors never see a staff email.
 */
export function staffDisplayName(email: string): string {
  const [word = ''] = email.split('@')[0].split(/[._+-]/);
  const name = word.replace(/[^\p{L}\p{N}]/gu, '').slice(0, 40);
  return name ? name.charAt(0).toUpperCase() + name.slice(1) : 'Staff';
}
