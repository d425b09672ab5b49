import asyncio

balance = {"alice": 100, "bob": 50}
alice = asyncio.Lock()
bob = asyncio.Lock()

async def transfer(payer, payee, who, whom, amount, start):
    await asyncio.sleep(start)
    async with payer:
        print(f"{who} locked, to pay {whom} {amount}")
        await asyncio.sleep(0.1)  # read the payer's balance
        async with payee:
            print(f"{whom} locked")
            balance[who] -= amount
            balance[whom] += amount
            await asyncio.sleep(0.05)  # write both balances
    print(f"{who} paid {whom} {amount}")

async def main():
    await asyncio.gather(
        transfer(alice, bob, "alice", "bob", 30, 0),
        transfer(bob, alice, "bob", "alice", 20, 0.12),
    )
    print(f"balances {balance}")

asyncio.run(main())
