// Errors of the query engine and the wire shapes the Logs query API answers them with. The shapes
// follow recorded service answers (the Azure SDK test recordings): a 400 with BadArgumentError whose
// innererror chain carries SyntaxError/SYN0002 (line, 0-based pos, token) or SemanticError/SEM0100.

export interface ServiceErrorDetail {
  code: string;
  message: string;
  target?: string;
  value?: string;
}

export interface ServiceInnerError {
  code: string;
  message: string;
  line?: number;
  pos?: number;
  token?: string;
  innererror?: ServiceInnerError;
  severity?: number;
  severityName?: string;
}

export interface ServiceError {
  code: string;
  message: string;
  correlationId?: string;
  details?: (ServiceErrorDetail & { innererror?: ServiceInnerError })[];
  innererror?: ServiceInnerError;
}

/** A query text the parser cannot read. `pos` is the 0-based column on 1-based `line`, as the service counts. */
export class KqlSyntaxError extends Error {
  constructor(
    readonly token: string,
    readonly line: number,
    readonly pos: number,
  ) {
    super(`Query could not be parsed at '${token}' on line [${line},${pos}]`);
    this.name = 'KqlSyntaxError';
  }
}

/** A well-formed query naming something that does not exist or is not supported here. */
export class KqlSemanticError extends Error {
  constructor(
    message: string,
    readonly code = 'SEM0100',
  ) {
    super(message);
    this.name = 'KqlSemanticError';
  }
}

export function badArgument(inner: ServiceInnerError, correlationId: string): ServiceError {
  return {
    code: 'BadArgumentError',
    message: 'The request had some invalid properties',
    correlationId,
    // The innermost message is what users need; clients that read `details` find it there too.
    details: [{ code: 'InvalidQueryError', message: innermost(inner).message }],
    innererror: inner,
  };
}

function innermost(e: ServiceInnerError): ServiceInnerError {
  return e.innererror ? innermost(e.innererror) : e;
}

export function toServiceError(err: unknown, correlationId: string): ServiceError {
  if (err instanceof KqlSyntaxError) {
    return badArgument(
      {
        code: 'SyntaxError',
        message: 'A recognition error occurred in the query.',
        innererror: { code: 'SYN0002', message: err.message, line: err.line, pos: err.pos, token: err.token },
      },
      correlationId,
    );
  }
  if (err instanceof KqlSemanticError) {
    return badArgument(
      {
        code: 'SemanticError',
        message: 'A semantic error occurred.',
        innererror: { code: err.code, message: err.message },
      },
      correlationId,
    );
  }
  throw err;
}

/** The `error` member of a 200 answer whose rows are incomplete (SDK: LogsQueryResultStatus.PartialFailure). */
export function partialError(): ServiceError {
  return {
    code: 'PartialError',
    message: 'There were some errors when processing your query.',
    details: [
      {
        code: 'EngineError',
        message: 'Something went wrong processing your query on the server.',
        innererror: {
          code: '-2133196797',
          message:
            'Query result set has exceeded the internal record count limit (E_QUERY_RESULT_SET_TOO_LARGE).',
          severity: 2,
          severityName: 'Error',
        },
      },
    ],
  };
}
