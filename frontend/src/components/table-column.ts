/** A data-table column: how a cell shows, sorts and exports. */
import type { CsvColumn } from "../core/csv-export";
import type { ResultRow } from "../core/query";
import type { Scalar } from "../core/table";

export interface TableColumn {
  key: string;
  label: string;
  /** Width in px (default 120). */
  width?: number;
  align?: "left" | "right" | "center";
  format?: (value: Scalar, row: ResultRow) => string;
  /** A CSS class for the cell (badges, tones). */
  cellClass?: (value: Scalar, row: ResultRow) => string | null;
  /** Secondary text under the main one (e.g. the hold reason under HOLD). */
  sub?: (row: ResultRow) => string | null;
  /** Export columns for this column; [] = not exported; default: the column itself. */
  csv?: CsvColumn[];
  sortable?: boolean;
  /** The cell is a button that activates the row. */
  link?: boolean;
}

export interface TableSort {
  by: string;
  desc: boolean;
}
