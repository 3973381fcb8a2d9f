export type Shape = { sides: number };
