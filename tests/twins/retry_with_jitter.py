# retry_with_jitter: exported by `asim export python scenarios/retry_with_jitter.yaml`
import asyncio
import random

random.seed(5)
attempts = {}


async def flaky_call(client, attempt):
    await asyncio.sleep(random.uniform(0.05, 0.2))
    if random.random() < 0.5:
        raise ConnectionResetError(f"{client}: reset on attempt {attempt}")
    return f"{client}-ok"


async def with_retries(client, tries=3, base=0.1):
    for attempt in range(1, tries + 1):
        try:
            result = await flaky_call(client, attempt)
        except ConnectionError as e:
            attempts[client] = attempt
            if attempt == tries:
                print(f"{client} gives up: {e}")
                raise
            backoff = random.uniform(0, base * 2 ** attempt)
            print(f"{client} attempt {attempt} failed ({type(e).__name__}); retrying in {backoff:.3f}s")
            await asyncio.sleep(backoff)
        else:
            attempts[client] = attempt
            print(f"{client} succeeded on attempt {attempt}")
            return result


async def main():
    clients = [f'c{i}' for i in range(6)]
    random.shuffle(clients)
    print(f"order: {clients}")
    policy = {'tries': 3, 'base': 0.1}
    results = await asyncio.gather(*(with_retries(c, **policy) for c in clients), return_exceptions=True)
    ok = [r for r in results if isinstance(r, str)]
    print(f"{len(ok)} of {len(results)} succeeded; attempts {dict(sorted(attempts.items()))}")
    print(f"elapsed {asyncio.get_running_loop().time():.3f}")


asyncio.run(main())
