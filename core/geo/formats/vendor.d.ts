/** shpjs ships no types; only the two parsers Datum uses are declared. */
declare module 'shpjs' {
  /** Geometries of a .shp as GeoJSON geometries (coordinates as stored when no projection is given). */
  export function parseShp(shp: ArrayBuffer | ArrayBufferView, prj?: string | false): ({ type: string; coordinates: unknown } | null)[];
  /** Rows of a .dbf; `cpg` names the text encoding (the .cpg file's content). */
  export function parseDbf(dbf: ArrayBuffer | ArrayBufferView, cpg?: string | ArrayBufferView): Record<string, unknown>[];
}
