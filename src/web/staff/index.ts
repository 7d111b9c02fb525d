import { Router } from 'express';
import type { Deps } from '../../deps';
import { requireStaff } from '../auth';
import { staffAuthRoutes } from './auth';
import { contractRoutes } from './contracts';
import { companyRoutes } from './companies';
import { limitsRoutes } from './limits';
import { otpRoutes } from './otp';
import { auditRoutes } from './audit';
import { mailRoutes } from './mail';

/**
 * Every screen of the branch console (営業店端末, DESIGN §4 bank side), wired
 * in one place. Only /staff paths exist here; the customer site has none of them.
 */
export function staffRoutes(deps: Deps): Router {
  const router = Router();
  router.use(staffAuthRoutes(deps));
  // Everything past login needs a signed-in staff member.
  router.use('/staff', requireStaff);
  router.use(mailRoutes(deps));
  // 契約登録 (/new) before 契約先詳細 (/:id), which would otherwise take "new" as an id.
  router.use('/staff/companies', contractRoutes(deps), companyRoutes(deps), otpRoutes(deps), limitsRoutes(deps));
  router.use('/staff/audit', auditRoutes(deps));
  return router;
}
