import { Router } from 'express';
import type { Deps } from '../../deps';

export function transferRoutes(_deps: Deps): Router {
  return Router();
}
