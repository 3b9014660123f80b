import type { Command } from '../command.js';

export type SkuCommand = AddStock | ReserveStock | ReleaseStock;

/** Seeding and restock (admin endpoint, CLI). */
export type AddStock = Command<'AddStock', { sku: string; quantity: number }>;

/** Hold `quantity` units for an order; a repeat with the same quantity is a no-op. */
export type ReserveStock = Command<'ReserveStock', { sku: string; orderId: string; quantity: number }>;

/** Give back whatever the order holds; a no-op when it holds nothing. */
export type ReleaseStock = Command<'ReleaseStock', { sku: string; orderId: string }>;
