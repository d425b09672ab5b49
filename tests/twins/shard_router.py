# shard_router: exported by `asim export python scenarios/shard_router.yaml`
import asyncio

SHARDS = 4
LINE = 'user {} -> shard {}, busy {busy:04b}'
busy = 0
served = [0, 0, 0, 0]


async def handle(uid, locks):
    global busy
    shard = hash(uid) % SHARDS
    async with locks[shard]:
        busy |= 1 << shard
        print(f"{LINE.format(uid, shard, busy=busy)}")
        await asyncio.sleep(0.1 * (1 + (uid & 3)))
        busy &= ~(1 << shard)
        served[shard] += 1


async def main():
    locks = [asyncio.Lock() for _ in range(SHARDS)]
    uids = [7, -1, 2**61 + 3, 12, 5, 2**64, -9]
    await asyncio.gather(*[handle(u, locks) for u in uids])
    print(f"served {served}, busy {busy:04b}, parity {served[0] ^ served[1] ^ served[2] ^ served[3]}")


asyncio.run(main())
