# lost_update: exported by `asim export python scenarios/lost_update.yaml`
import asyncio

balance = 100


async def fetch_fee(account):
    await asyncio.sleep(0.1)
    return 10


async def charge(account):
    global balance
    balance -= await fetch_fee(account)
    print(f"{account} charged, balance {balance}")


async def charge_safely(account, lock):
    global balance
    fee = await fetch_fee(account)
    async with lock:
        balance -= fee
    print(f"{account} charged safely, balance {balance}")


async def main():
    global balance
    await asyncio.gather(charge("alice"), charge("bob"), charge("carol"))
    print(f"after racing charges: {balance} (expected 70)")
    balance = 100
    lock = asyncio.Lock()
    await asyncio.gather(*(charge_safely(a, lock) for a in ['alice', 'bob', 'carol']))
    print(f"after safe charges: {balance}")


asyncio.run(main())
