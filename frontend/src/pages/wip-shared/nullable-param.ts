/** URL values for a group or reason: absent = none chosen, "" = the null group/reason. */
export function nullableParam(value: string | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  return value === "" ? null : value;
}
