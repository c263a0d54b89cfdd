/** One labelled value of a detail drawer section. */
export interface DetailItem {
  field: string;
  label: string;
  value: string;
  /** Free text (comments): keep line breaks. */
  multiline: boolean;
}
