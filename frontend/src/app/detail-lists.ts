/** The list sections of a row (resource `lots`) as the field contract describes them. */
import fieldsJson from "../../../contracts/fields.json";
import type { FieldSpec } from "../core/contracts";

interface WithLists {
  datasets: Record<string, { detail_lists?: Record<string, FieldSpec[]> }>;
}

/** The columns of a dataset's detail list (e.g. resource `lots`), in contract order. */
export function detailListFields(dataset: string, list: string): readonly FieldSpec[] {
  return (fieldsJson as unknown as WithLists).datasets[dataset]?.detail_lists?.[list] ?? [];
}
