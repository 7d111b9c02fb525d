import { Router } from 'express';
import type { Deps } from '../../../deps';

export function adminRoutes(_deps: Deps): Router {
  return Router();
}
