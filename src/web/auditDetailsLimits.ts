import { formatYen } from './format';

// 詳細 in words of the 振込限度額 and 都度振込権限 entries (issue 13), in the
// shapes src/services/limits.ts, drafts.ts and userAuthority.ts write them.

const amount = (v: string | undefined, unset: string): string | undefined =>
  v === '-' ? unset : v !== undefined && /^\d+$/.test(v) ? formatYen(Number(v)) : undefined;

/** `perTransfer=N daily=M`, '-' for a user's limit left to the company's. */
function limits(detail: string): string | undefined {
  const m = /^perTransfer=(\S+) daily=(\S+)$/.exec(detail);
  const per = amount(m?.[1], '契約先の限度額まで');
  const daily = amount(m?.[2], '契約先の限度額まで');
  return per && daily && `1回あたり ${per}、1日あたり ${daily} に設定しました。`;
}

const excess: Record<string, string> = { perTransfer: '1回あたり', daily: '1日あたり' };

export const limitDescribers: Record<string, (detail: string) => string | undefined> = {
  'limits.bank': limits,
  'limits.company': limits,
  'limits.user': limits,
  'transfer.limit': (d) => {
    const m = /^reason=(\w+) amount=(\d+) remaining=(\d+)$/.exec(d);
    if (!m || !excess[m[1]!]) return undefined;
    return `振込金額 ${formatYen(Number(m[2]))} が${excess[m[1]!]}の振込限度額を超えるため、受け付けませんでした（本日の振込可能残額 ${formatYen(Number(m[3]))}）。`;
  },
  'user.transfer_authority': (d) => (d === 'grant' ? '都度振込権限をありにしました。' : d === 'revoke' ? '都度振込権限をなしにしました。' : undefined),
};
