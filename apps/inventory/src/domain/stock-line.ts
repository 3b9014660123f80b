/** A quantity of one SKU (the contracts' StockLine). */
export interface StockLine {
  sku: string;
  quantity: number;
}

/** One SKU with less available than an order asked for (the contracts' Shortage). */
export interface Shortage {
  sku: string;
  requested: number;
  available: number;
}

/** Code-unit order, the same on every machine (unlike localeCompare). */
export const bySku = (a: { sku: string }, b: { sku: string }): number =>
  a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0;
