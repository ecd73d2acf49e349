/** Routes that take no body or no query still validate that none was sent. */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { parse } from './problem';

const nothing = z.strictObject({});

export const noBody: RequestHandler = (req, _res, next) => {
  parse(nothing, req.body ?? {}, 'body');
  next();
};

export const noQuery: RequestHandler = (req, _res, next) => {
  parse(nothing, req.query, 'query', 'query');
  next();
};
