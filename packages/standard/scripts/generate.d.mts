/** Types of scripts/generate.mjs, for the staleness test. */
export declare const schemasDir: string;
export declare function listSchemaFiles(): Promise<string[]>;
export declare function loadSchemaDocuments(): Promise<{ file: string; doc: { $id: string; [k: string]: unknown } }[]>;
export declare function renderSchemasModule(): Promise<string>;
export declare function renderTypesModule(): Promise<string>;
export declare function renderValidatorsModule(): Promise<string>;
export declare function formatNames(docs: { doc: unknown }[]): string[];
