/** The same nested keys as T, every leaf a string: used to type translations against English. */
export type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };
