import asyncio


class ServiceError(Exception):
    pass


class Unavailable(ServiceError):
    pass


class CircuitOpen(RuntimeError):
    pass


breaker = {"state": "closed", "failures": 0, "opened_at": 0.0}
THRESHOLD = 3
COOL_DOWN = 1.0


async def backend(i):
    await asyncio.sleep(0.1)
    if 3 <= i < 11:
        raise Unavailable(f"backend down for request {i}")
    return i * 10


async def guarded(i):
    loop = asyncio.get_running_loop()
    if breaker["state"] == "open":
        if loop.time() - breaker["opened_at"] < COOL_DOWN:
            raise CircuitOpen(f"request {i} refused, circuit open")
        breaker["state"] = "half-open"
        print(f"request {i}: half-open, trying the backend")
    try:
        result = await backend(i)
    except ServiceError:
        breaker["failures"] += 1
        if breaker["state"] == "half-open" or breaker["failures"] >= THRESHOLD:
            breaker["state"] = "open"
            breaker["opened_at"] = loop.time()
            print(f"request {i}: circuit opens after {breaker['failures']} failures")
        raise
    breaker["state"] = "closed"
    breaker["failures"] = 0
    return result


async def main():
    for i in range(16):
        try:
            r = await guarded(i)
            print(f"request {i} -> {r}")
        except CircuitOpen as e:
            print(f"{type(e).__name__}: {e}")
        except ServiceError as e:
            print(f"request {i} failed: {e!r}")
        await asyncio.sleep(0.2)
    print(f"final state {breaker['state']}")


asyncio.run(main())
