import { SetMetadata } from '@nestjs/common';

/**
 * What the OpenAPI documents (tools/openapi, docs/api.md) cannot read from a route's other
 * decorators and types. Metadata only: nothing here changes how a request is handled.
 */
export const API_ERRORS = 'fpms:api-errors';
export const API_TEXT_CONTENT = 'fpms:api-text-content';
export const API_RAW_BODY = 'fpms:api-raw-body';
export const API_HEADERS = 'fpms:api-headers';

type ErrorEnum = Record<string, string>;

export interface ApiHeaderDoc {
  name: string;
  description: string;
  required: boolean;
}

/**
 * The error-code enums (libs/contracts/src/errors) a route (or every route of a controller)
 * may answer with, besides the common ones; the document lists each code under the HTTP
 * statuses it is raised with.
 */
export const ApiErrors = (...enums: ErrorEnum[]) => SetMetadata(API_ERRORS, enums);

/** The route answers this text media type (HTML, CSV) where its type says `string`. */
export const ApiTextContent = (mediaType: string) => SetMetadata(API_TEXT_CONTENT, mediaType);

/** The route reads the raw JSON body itself (not a request class): what it is. */
export const ApiRawJsonBody = (description: string) => SetMetadata(API_RAW_BODY, description);

/** Request headers the route reads itself. */
export const ApiHeaders = (...headers: ApiHeaderDoc[]) => SetMetadata(API_HEADERS, headers);
