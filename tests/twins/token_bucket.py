# token_bucket: exported by `asim export python scenarios/token_bucket.yaml`
import asyncio

RATE = 2.0
CAPACITY = 3
tokens = CAPACITY
updated = 0.0
served = []


def refill():
    global tokens, updated
    now = asyncio.get_running_loop().time()
    tokens = min(CAPACITY, tokens + (now - updated) * RATE)
    updated = now


def wait_time():
    refill()
    if tokens >= 1:
        return 0
    return (1 - tokens) / RATE


def jitter(i):
    return (i * 37 % 10) / 100


async def request(i, lock):
    global tokens
    await asyncio.sleep(jitter(i))
    async with lock:
        delay = wait_time()
        while delay > 0:
            await asyncio.sleep(delay)
            delay = wait_time()
        tokens -= 1
        served.append(i)
        print(f"request {i} sent, {tokens:.2f} tokens left")


async def main():
    lock = asyncio.Lock()
    await asyncio.gather(*[request(i, lock) for i in range(8)])
    report = 'served %s by %.2fs' % (served, asyncio.get_running_loop().time())
    print(f"{report}")


asyncio.run(main())
