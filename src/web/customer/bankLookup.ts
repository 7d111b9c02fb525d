import { Router } from 'express';
import { lookupDatasetVersion, lookupDestination, LOOKUP_LIMIT } from '../../services/bankLookup';
import { assertCanTransfer } from '../../services/transfers';
import { currentUser } from '../auth';

/** A search text from the query string: a string, bounded; anything else reads as empty. */
const text = (value: unknown, max: number): string => (typeof value === 'string' ? value.slice(0, max) : '');

/**
 * 金融機関・支店の検索: plain GET forms and links, no script (issue 15).
 * Mounted at /transfers/lookup inside the 都度振込 routes, behind their login.
 */
export function bankLookupRoutes(): Router {
  const router = Router();
  router.get('/', (req, res) => {
    assertCanTransfer(currentUser(res));
    const lookup = lookupDestination({
      bankName: text(req.query.bankName, 40),
      bankCode: text(req.query.bankCode, 4),
      branchName: text(req.query.branchName, 40),
    });
    res.render('transfers/lookup', { title: '金融機関・支店の検索', lookup, limit: LOOKUP_LIMIT, version: lookupDatasetVersion() });
  });
  return router;
}
