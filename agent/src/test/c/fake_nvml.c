/*
 * A fake libnvidia-ml.so.1 for tests on machines without an NVIDIA GPU.
 *
 * It exports NVML's real symbol names with the real signatures, struct layouts and return
 * codes, so the agent's JNA binding is exercised exactly as against the driver. What it
 * reports is scripted by a text file, named either by the FAKE_NVML_SCRIPT environment
 * variable (read at nvmlInit_v2) or by fake_nvml_load_script(path) (read at once, so a test
 * can change the script between two samples). Script lines, '#' starts a comment:
 *
 *   init <code>                      return code of nvmlInit_v2
 *   count <n>                        number of GPUs (default 1)
 *   count_rc <code>                  return code of nvmlDeviceGetCount_v2
 *   driver <version>                 nvmlSystemGetDriverVersion
 *   gpu <i> name <text...>
 *   gpu <i> uuid <text>
 *   gpu <i> memory <total> <free> <used>     bytes, as nvmlDeviceGetMemoryInfo (v1) reports them
 *   gpu <i> reserved <bytes>         driver-reserved memory, part of v1's used; the _v2 call
 *                                    reports it apart and leaves it out of used (default 0)
 *   gpu <i> temperature <celsius>
 *   gpu <i> utilization <gpu%> <memory%>
 *   gpu <i> power <milliwatts>
 *   gpu <i> power_limit <milliwatts>
 *   gpu <i> fan <percent>
 *   gpu <i> fail <call> <code>       call: handle name uuid memory (both versions) memory_v2
 *                                          temperature utilization power power_limit fan, or
 *                                          "all" (every device call)
 *
 * Compiled with -DOMIT_OPTIONAL it lacks nvmlDeviceGetFanSpeed and the deprecated
 * nvmlDeviceGetTemperature (NVML 13 style), and nvmlDeviceGetMemoryInfo_v2 (drivers before
 * it), to test missing symbols.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int nvmlReturn_t;

enum {
    NVML_SUCCESS = 0,
    NVML_ERROR_UNINITIALIZED = 1,
    NVML_ERROR_INVALID_ARGUMENT = 2,
    NVML_ERROR_NOT_SUPPORTED = 3,
    NVML_ERROR_INSUFFICIENT_SIZE = 7,
    NVML_ERROR_ARGUMENT_VERSION_MISMATCH = 25,
    NVML_ERROR_UNKNOWN = 999
};

#define MAX_GPUS 64

enum call { C_HANDLE, C_NAME, C_UUID, C_MEMORY, C_TEMPERATURE, C_UTILIZATION, C_POWER,
            C_POWER_LIMIT, C_FAN, C_MEMORY_V2, C_COUNT };
static const char *CALL_NAMES[C_COUNT] = { "handle", "name", "uuid", "memory", "temperature",
                                           "utilization", "power", "power_limit", "fan",
                                           "memory_v2" };

struct nvmlDevice_st {
    char name[96];
    char uuid[96];
    unsigned long long total, free, used, reserved;
    unsigned int temperature, util_gpu, util_memory, power_mw, power_limit_mw, fan;
    nvmlReturn_t fail[C_COUNT];
    nvmlReturn_t fail_all;
};
typedef struct nvmlDevice_st *nvmlDevice_t;

typedef struct { unsigned long long total, free, used; } nvmlMemory_t;
typedef struct {
    unsigned int version;
    unsigned long long total, reserved, free, used;
} nvmlMemory_v2_t;
#define nvmlMemory_v2 ((unsigned int)(sizeof(nvmlMemory_v2_t) | (2u << 24)))
typedef struct { unsigned int gpu, memory; } nvmlUtilization_t;
typedef struct { unsigned int version; int sensorType; int temperature; } nvmlTemperature_v1_t;
typedef nvmlTemperature_v1_t nvmlTemperature_t;
#define nvmlTemperature_v1 ((unsigned int)(sizeof(nvmlTemperature_v1_t) | (1u << 24)))

static struct nvmlDevice_st gpus[MAX_GPUS];
static unsigned int gpu_count;
static nvmlReturn_t init_rc, count_rc;
static char driver[80];
static int init_depth;
static char script_path[4096];

static void reset(void) {
    memset(gpus, 0, sizeof gpus);
    for (int i = 0; i < MAX_GPUS; i++) {
        struct nvmlDevice_st *g = &gpus[i];
        snprintf(g->name, sizeof g->name, "Fake GPU %d", i);
        snprintf(g->uuid, sizeof g->uuid, "GPU-fa4e0000-0000-0000-0000-%012d", i);
        g->total = 80ULL << 30;
        g->used = (unsigned long long) (i + 1) << 30;
        g->free = g->total - g->used;
        g->temperature = 40 + i;
        g->util_gpu = (10 * i) % 101;
        g->util_memory = (5 * i) % 101;
        g->power_mw = 100000 + 1000 * i;
        g->power_limit_mw = 700000;
        g->fan = 30 + i;
    }
    gpu_count = 1;
    init_rc = count_rc = NVML_SUCCESS;
    snprintf(driver, sizeof driver, "550.54.15");
}

static void chomp(char *s) {
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ')) s[--n] = 0;
}

static int apply_gpu_line(char *rest) {
    int i, used;
    char key[32];
    if (sscanf(rest, "%d %31s %n", &i, key, &used) != 2 || i < 0 || i >= MAX_GPUS) return -1;
    struct nvmlDevice_st *g = &gpus[i];
    char *value = rest + used;
    if (!strcmp(key, "name")) { snprintf(g->name, sizeof g->name, "%s", value); return 0; }
    if (!strcmp(key, "uuid")) { snprintf(g->uuid, sizeof g->uuid, "%s", value); return 0; }
    if (!strcmp(key, "memory"))
        return sscanf(value, "%llu %llu %llu", &g->total, &g->free, &g->used) == 3 ? 0 : -1;
    if (!strcmp(key, "reserved")) return sscanf(value, "%llu", &g->reserved) == 1 ? 0 : -1;
    if (!strcmp(key, "temperature")) return sscanf(value, "%u", &g->temperature) == 1 ? 0 : -1;
    if (!strcmp(key, "utilization"))
        return sscanf(value, "%u %u", &g->util_gpu, &g->util_memory) == 2 ? 0 : -1;
    if (!strcmp(key, "power")) return sscanf(value, "%u", &g->power_mw) == 1 ? 0 : -1;
    if (!strcmp(key, "power_limit")) return sscanf(value, "%u", &g->power_limit_mw) == 1 ? 0 : -1;
    if (!strcmp(key, "fan")) return sscanf(value, "%u", &g->fan) == 1 ? 0 : -1;
    if (!strcmp(key, "fail")) {
        char call[32];
        int code;
        if (sscanf(value, "%31s %d", call, &code) != 2) return -1;
        if (!strcmp(call, "all")) { g->fail_all = code; return 0; }
        for (int c = 0; c < C_COUNT; c++)
            if (!strcmp(call, CALL_NAMES[c])) { g->fail[c] = code; return 0; }
    }
    return -1;
}

/* Test hook: returns 0, or the number of the first line it could not understand. */
int fake_nvml_load_script(const char *path) {
    reset();
    snprintf(script_path, sizeof script_path, "%s", path);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[512];
    int number = 0, bad = 0;
    while (!bad && fgets(line, sizeof line, f)) {
        number++;
        chomp(line);
        char *s = line;
        while (*s == ' ' || *s == '\t') s++;
        if (*s == 0 || *s == '#') continue;
        int n;
        if (!strncmp(s, "gpu ", 4)) bad = apply_gpu_line(s + 4) ? number : 0;
        else if (sscanf(s, "init %d", &n) == 1) init_rc = n;
        else if (sscanf(s, "count_rc %d", &n) == 1) count_rc = n;
        else if (sscanf(s, "count %d", &n) == 1 && n >= 0 && n <= MAX_GPUS) gpu_count = n;
        else if (!strncmp(s, "driver ", 7)) snprintf(driver, sizeof driver, "%s", s + 7);
        else bad = number;
    }
    fclose(f);
    return bad;
}

/* Test hook: how many nvmlInit_v2 calls are not yet paired with nvmlShutdown. */
int fake_nvml_init_depth(void) { return init_depth; }

static int copy_string(char *out, unsigned int length, const char *value) {
    if (out == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    if (strlen(value) + 1 > length) return NVML_ERROR_INSUFFICIENT_SIZE;
    strcpy(out, value);
    return NVML_SUCCESS;
}

static nvmlReturn_t check(nvmlDevice_t device, enum call call) {
    if (init_depth == 0) return NVML_ERROR_UNINITIALIZED;
    if (device < gpus || device >= gpus + gpu_count) return NVML_ERROR_INVALID_ARGUMENT;
    if (device->fail_all) return device->fail_all;
    return device->fail[call];
}

nvmlReturn_t nvmlInit_v2(void) {
    if (script_path[0] == 0) {
        const char *env = getenv("FAKE_NVML_SCRIPT");
        if (env != NULL && fake_nvml_load_script(env) != 0) return NVML_ERROR_UNKNOWN;
        if (env == NULL) reset();
    }
    if (init_rc != NVML_SUCCESS) return init_rc;
    init_depth++;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlShutdown(void) {
    if (init_depth == 0) return NVML_ERROR_UNINITIALIZED;
    init_depth--;
    return NVML_SUCCESS;
}

/* The v1 entry points exist in the real library with older behaviour; the agent must not use
 * them, so here they always fail. */
nvmlReturn_t nvmlInit(void) { return NVML_ERROR_UNKNOWN; }
nvmlReturn_t nvmlDeviceGetCount(unsigned int *count) { return NVML_ERROR_UNKNOWN; }
nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int index, nvmlDevice_t *device) {
    return NVML_ERROR_UNKNOWN;
}

const char *nvmlErrorString(nvmlReturn_t result) {
    static char text[64];
    snprintf(text, sizeof text, "fake NVML error %d", result);
    return result == NVML_SUCCESS ? "Success" : text;
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length) {
    if (init_depth == 0) return NVML_ERROR_UNINITIALIZED;
    return copy_string(version, length, driver);
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) {
    if (init_depth == 0) return NVML_ERROR_UNINITIALIZED;
    if (count == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    if (count_rc != NVML_SUCCESS) return count_rc;
    *count = gpu_count;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
    if (init_depth == 0) return NVML_ERROR_UNINITIALIZED;
    if (device == NULL || index >= gpu_count) return NVML_ERROR_INVALID_ARGUMENT;
    nvmlReturn_t rc = check(&gpus[index], C_HANDLE);
    if (rc == NVML_SUCCESS) *device = &gpus[index];
    return rc;
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length) {
    nvmlReturn_t rc = check(device, C_NAME);
    return rc ? rc : copy_string(name, length, device->name);
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length) {
    nvmlReturn_t rc = check(device, C_UUID);
    return rc ? rc : copy_string(uuid, length, device->uuid);
}

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory) {
    nvmlReturn_t rc = check(device, C_MEMORY);
    if (rc) return rc;
    if (memory == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    memory->total = device->total;
    memory->free = device->free;
    memory->used = device->used;
    return NVML_SUCCESS;
}

#ifndef OMIT_OPTIONAL
nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t *memory) {
    nvmlReturn_t rc = check(device, C_MEMORY);
    if (rc == NVML_SUCCESS) rc = check(device, C_MEMORY_V2);
    if (rc) return rc;
    if (memory == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    if (memory->version != nvmlMemory_v2) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    memory->total = device->total;
    memory->reserved = device->reserved;
    memory->free = device->free;
    memory->used = device->used > device->reserved ? device->used - device->reserved : 0;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, int sensorType, unsigned int *temp) {
    nvmlReturn_t rc = check(device, C_TEMPERATURE);
    if (rc) return rc;
    if (temp == NULL || sensorType != 0) return NVML_ERROR_INVALID_ARGUMENT;
    *temp = device->temperature;
    return NVML_SUCCESS;
}
#endif

nvmlReturn_t nvmlDeviceGetTemperatureV(nvmlDevice_t device, nvmlTemperature_t *temperature) {
    nvmlReturn_t rc = check(device, C_TEMPERATURE);
    if (rc) return rc;
    if (temperature == NULL || temperature->sensorType != 0) return NVML_ERROR_INVALID_ARGUMENT;
    if (temperature->version != nvmlTemperature_v1) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    temperature->temperature = (int) device->temperature;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *utilization) {
    nvmlReturn_t rc = check(device, C_UTILIZATION);
    if (rc) return rc;
    if (utilization == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    utilization->gpu = device->util_gpu;
    utilization->memory = device->util_memory;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power) {
    nvmlReturn_t rc = check(device, C_POWER);
    if (rc) return rc;
    if (power == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    *power = device->power_mw;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int *limit) {
    nvmlReturn_t rc = check(device, C_POWER_LIMIT);
    if (rc) return rc;
    if (limit == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    *limit = device->power_limit_mw;
    return NVML_SUCCESS;
}

#ifndef OMIT_OPTIONAL
nvmlReturn_t nvmlDeviceGetFanSpeed(nvmlDevice_t device, unsigned int *speed) {
    nvmlReturn_t rc = check(device, C_FAN);
    if (rc) return rc;
    if (speed == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    *speed = device->fan;
    return NVML_SUCCESS;
}
#endif
