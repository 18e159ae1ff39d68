export declare const MAX_IMPORT_BYTES: number;
export declare const MAX_IMPORT_REQUEST_BYTES: number;
