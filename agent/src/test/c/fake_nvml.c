/*
 * A fake libnvidia-ml.so.1 for tests on machines without an NVIDIA GPU.
 *
 * It exports NVML's real symbol names with the real signatures, struct layouts and return
 * codes, so the agent's JNA binding is exercised exactly as against the driver. What it
 * reports is scripted by a text file, named either by the FAKE_NVML_SCRIPT environment
 * variable (read at nvmlInit_v2) or by fake_nvml_load_script(path) (read at once, so a test
 * can change the script between two samples).
 *
 * A running agent sees the script change too: every nvmlDeviceGetMemoryInfo(_v2) call on GPU 0
 * (once per sample, one stat(2), so cheap) compares the script file's inode, size and
 * modification time with those it was read with, and reads it again when any differs. A test
 * outside the agent's JVM (a webapp IT whose fake ComfyUI "frees" VRAM) lowers the VRAM by
 * writing a new script to a temporary file and renaming it over the old one: the rename is
 * atomic and always gives a new inode, so neither a half-written file nor a coarse file-system
 * clock can hide the change. Reading it again starts from the defaults, like every load: the
 * whole script applies anew, and the call and event counters (lost_after, event waits) restart.
 *
 * Script lines, '#' starts a comment:
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
 *   gpu <i> sm_clock <mhz>           nvmlDeviceGetClockInfo(NVML_CLOCK_SM)
 *   gpu <i> max_sm_clock <mhz>       nvmlDeviceGetMaxClockInfo(NVML_CLOCK_SM)
 *   gpu <i> clocks_event_reasons <bits>   e.g. 0x48; both the current and the deprecated name
 *   gpu <i> slowdown_temperature <celsius>
 *   gpu <i> shutdown_temperature <celsius>
 *   gpu <i> memory_temperature <celsius>  field value NVML_FI_DEV_MEMORY_TEMP (unsigned int)
 *   gpu <i> ecc_uncorrected_volatile <count>
 *   gpu <i> remapped_rows <correctable> <uncorrectable> <pending 0|1> <failure 0|1>
 *   gpu <i> pcie_replay <count>
 *   gpu <i> event_types <bits>       event types the GPU supports (default 0xb: Xid, DBE, SBE);
 *                                    registering another gives NOT_SUPPORTED
 *   gpu <i> lost_after <n>           after n device calls on this GPU every one gives GPU_IS_LOST
 *   gpu <i> fail <call> <code>       call: handle name uuid memory (both versions) memory_v2
 *                                          temperature utilization power power_limit fan
 *                                          sm_clock max_sm_clock clocks_event_reasons
 *                                          slowdown_temperature shutdown_temperature
 *                                          memory_temperature (the field's own return code)
 *                                          ecc remapped_rows pcie_replay processes
 *                                          graphics_processes process_utilization, or
 *                                          "all" (every device call)
 *   gpu <i> process <pid> <bytes|na> [compute|graphics]   a running process (at most 64 per GPU,
 *                                    default compute); na = NVML_VALUE_NOT_AVAILABLE (as under WDDM).
 *                                    The same PID in both lists is one process to the agent
 *   gpu <i> late_process <pid> <bytes|na>  joins the compute list right after the first call that
 *                                    answered INSUFFICIENT_SIZE: the list grows between the two calls
 *   gpu <i> process_utilization <pid> <sm%> <memory%>   a sample of nvmlDeviceGetProcessUtilization
 *   gpu <i> utilization_timestamp <us>   the samples' time stamp (default 1000): a call with a
 *                                    lastSeenTimeStamp at or after it gives NOT_FOUND; 0: every call
 *                                    has samples newer than its lastSeenTimeStamp (a busy GPU)
 *   event <gpu> xid <code> <wait>    the <wait>-th nvmlEventSetWait_v2 call (counted from 1 since
 *   event <gpu> ecc_double_bit <wait>      the script was loaded) delivers this event, if the
 *                                    set has that GPU and type registered; at most 32 events
 *   wait_rc <code>                   what a wait with no event due returns at once (default: it
 *                                    sleeps its timeout and returns TIMEOUT)
 *
 * Compiled with -DOMIT_OPTIONAL it lacks nvmlDeviceGetFanSpeed and the deprecated
 * nvmlDeviceGetTemperature (NVML 13 style), nvmlDeviceGetMemoryInfo_v2 and
 * nvmlDeviceGetCurrentClocksEventReasons (drivers before them, which still have the deprecated
 * ...ThrottleReasons), and nvmlDeviceGetRemappedRows (drivers before Ampere), to test missing symbols.
 * Compiled with -DOMIT_PROCESSES_V3 it lacks nvmlDevice{Compute,Graphics}RunningProcesses_v3, like
 * drivers before R510, which have only the _v2 calls (both versions fill the same 24-byte struct).
 * The event calls run on the agent's own thread while samples are read: the event state is
 * guarded by a mutex.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

typedef int nvmlReturn_t;

enum {
    NVML_SUCCESS = 0,
    NVML_ERROR_UNINITIALIZED = 1,
    NVML_ERROR_INVALID_ARGUMENT = 2,
    NVML_ERROR_NOT_SUPPORTED = 3,
    NVML_ERROR_NOT_FOUND = 6,
    NVML_ERROR_INSUFFICIENT_SIZE = 7,
    NVML_ERROR_TIMEOUT = 10,
    NVML_ERROR_GPU_IS_LOST = 15,
    NVML_ERROR_ARGUMENT_VERSION_MISMATCH = 25,
    NVML_ERROR_UNKNOWN = 999
};

#define MAX_GPUS 64

#define MAX_EVENTS 32
#define MAX_PROCESSES 64
#define NVML_VALUE_NOT_AVAILABLE 0xFFFFFFFFFFFFFFFFULL

struct scripted_process { unsigned int pid; unsigned long long used; int graphics, late; };
struct scripted_utilization { unsigned int pid, sm, memory; };

enum call { C_HANDLE, C_NAME, C_UUID, C_MEMORY, C_TEMPERATURE, C_UTILIZATION, C_POWER,
            C_POWER_LIMIT, C_FAN, C_MEMORY_V2, C_SM_CLOCK, C_MAX_SM_CLOCK, C_REASONS,
            C_SLOWDOWN, C_SHUTDOWN, C_MEMORY_TEMPERATURE, C_ECC, C_REMAPPED_ROWS, C_PCIE_REPLAY,
            C_REGISTER, C_PROCESSES, C_GRAPHICS_PROCESSES, C_PROCESS_UTILIZATION, C_COUNT };
static const char *CALL_NAMES[C_COUNT] = { "handle", "name", "uuid", "memory", "temperature",
                                           "utilization", "power", "power_limit", "fan",
                                           "memory_v2", "sm_clock", "max_sm_clock",
                                           "clocks_event_reasons", "slowdown_temperature",
                                           "shutdown_temperature", "memory_temperature", "ecc",
                                           "remapped_rows", "pcie_replay", "register_events",
                                           "processes", "graphics_processes", "process_utilization" };

/* nvml.h's values */
#define NVML_CLOCK_SM 1
#define NVML_TEMPERATURE_THRESHOLD_SHUTDOWN 0
#define NVML_TEMPERATURE_THRESHOLD_SLOWDOWN 1
#define NVML_MEMORY_ERROR_TYPE_UNCORRECTED 1
#define NVML_VOLATILE_ECC 0
#define NVML_FI_DEV_MEMORY_TEMP 82
#define NVML_VALUE_TYPE_UNSIGNED_INT 1
#define nvmlEventTypeSingleBitEccError 0x1ULL
#define nvmlEventTypeDoubleBitEccError 0x2ULL
#define nvmlEventTypeXidCriticalError 0x8ULL

struct nvmlDevice_st {
    char name[96];
    char uuid[96];
    unsigned long long total, free, used, reserved;
    unsigned int temperature, util_gpu, util_memory, power_mw, power_limit_mw, fan;
    unsigned int sm_clock, max_sm_clock, slowdown, shutdown, memory_temperature, pcie_replay;
    unsigned long long reasons, ecc_uncorrected_volatile, event_types;
    unsigned int remapped[4]; /* correctable, uncorrectable, pending, failure */
    long lost_after, calls;   /* lost_after < 0: never */
    nvmlReturn_t fail[C_COUNT];
    nvmlReturn_t fail_all;
    struct scripted_process processes[MAX_PROCESSES];
    int process_count, grown;
    struct scripted_utilization utilization[MAX_PROCESSES];
    int utilization_count;
    unsigned long long utilization_timestamp;
};
typedef struct nvmlDevice_st *nvmlDevice_t;

/* nvml.h: typedef struct nvmlEventSet_st* nvmlEventSet_t; */
struct nvmlEventSet_st { unsigned long long registered[MAX_GPUS]; };
typedef struct nvmlEventSet_st *nvmlEventSet_t;

typedef struct {
    nvmlDevice_t device;
    unsigned long long eventType;
    unsigned long long eventData;
    unsigned int gpuInstanceId;
    unsigned int computeInstanceId;
} nvmlEventData_t;

typedef union {
    double dVal;
    int siVal;
    unsigned int uiVal;
    unsigned long ulVal;
    unsigned long long ullVal;
    signed long long sllVal;
    unsigned short usVal;
} nvmlValue_t;

typedef struct {
    unsigned int fieldId;
    unsigned int scopeId;
    long long timestamp;
    long long latencyUsec;
    int valueType;
    nvmlReturn_t nvmlReturn;
    nvmlValue_t value;
} nvmlFieldValue_t;

struct scripted_event { int gpu; unsigned long long type, data; long wait; int delivered; };

/* nvml.h: nvmlProcessInfo_v2_t (what both the _v2 and the _v3 calls fill; nvmlProcessInfo_t names it since
 * R470) and nvmlProcessUtilizationSample_t */
typedef struct {
    unsigned int pid;
    unsigned long long usedGpuMemory;
    unsigned int gpuInstanceId;
    unsigned int computeInstanceId;
} nvmlProcessInfo_v2_t;
typedef nvmlProcessInfo_v2_t nvmlProcessInfo_t;
typedef struct {
    unsigned int pid;
    unsigned long long timeStamp;
    unsigned int smUtil, memUtil, encUtil, decUtil;
} nvmlProcessUtilizationSample_t;
_Static_assert(sizeof(nvmlProcessInfo_t) == 24, "nvmlProcessInfo_t is 24 bytes");
_Static_assert(sizeof(nvmlProcessUtilizationSample_t) == 32, "nvmlProcessUtilizationSample_t is 32 bytes");

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
static struct scripted_event events[MAX_EVENTS];
static int event_count, sets_open;
static long wait_calls;
static nvmlReturn_t wait_rc;
static pthread_mutex_t event_lock = PTHREAD_MUTEX_INITIALIZER;
/* The script file as it was read: a change of any of these makes the next GPU 0 memory read load it again. */
static struct stat script_stat;
static int script_stat_known;

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
        g->sm_clock = 1980 - 10 * i;
        g->max_sm_clock = 1980;
        g->slowdown = 87;
        g->shutdown = 92;
        g->memory_temperature = 50 + i;
        g->event_types = nvmlEventTypeXidCriticalError | nvmlEventTypeDoubleBitEccError
                | nvmlEventTypeSingleBitEccError;
        g->lost_after = -1;
        g->utilization_timestamp = 1000;
    }
    gpu_count = 1;
    event_count = 0;
    wait_calls = 0;
    wait_rc = NVML_SUCCESS;
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
    if (!strcmp(key, "sm_clock")) return sscanf(value, "%u", &g->sm_clock) == 1 ? 0 : -1;
    if (!strcmp(key, "max_sm_clock")) return sscanf(value, "%u", &g->max_sm_clock) == 1 ? 0 : -1;
    if (!strcmp(key, "clocks_event_reasons")) return sscanf(value, "%llx", &g->reasons) == 1 ? 0 : -1;
    if (!strcmp(key, "slowdown_temperature")) return sscanf(value, "%u", &g->slowdown) == 1 ? 0 : -1;
    if (!strcmp(key, "shutdown_temperature")) return sscanf(value, "%u", &g->shutdown) == 1 ? 0 : -1;
    if (!strcmp(key, "memory_temperature"))
        return sscanf(value, "%u", &g->memory_temperature) == 1 ? 0 : -1;
    if (!strcmp(key, "ecc_uncorrected_volatile"))
        return sscanf(value, "%llu", &g->ecc_uncorrected_volatile) == 1 ? 0 : -1;
    if (!strcmp(key, "remapped_rows"))
        return sscanf(value, "%u %u %u %u", &g->remapped[0], &g->remapped[1], &g->remapped[2],
                      &g->remapped[3]) == 4 ? 0 : -1;
    if (!strcmp(key, "pcie_replay")) return sscanf(value, "%u", &g->pcie_replay) == 1 ? 0 : -1;
    if (!strcmp(key, "event_types")) return sscanf(value, "%llx", &g->event_types) == 1 ? 0 : -1;
    if (!strcmp(key, "lost_after")) return sscanf(value, "%ld", &g->lost_after) == 1 ? 0 : -1;
    if (!strcmp(key, "process") || !strcmp(key, "late_process")) {
        if (g->process_count >= MAX_PROCESSES) return -1;
        struct scripted_process *p = &g->processes[g->process_count];
        char used_text[32], list[16] = "compute";
        if (sscanf(value, "%u %31s %15s", &p->pid, used_text, list) < 2) return -1;
        if (!strcmp(used_text, "na")) p->used = NVML_VALUE_NOT_AVAILABLE;
        else if (sscanf(used_text, "%llu", &p->used) != 1) return -1;
        if (strcmp(list, "compute") && strcmp(list, "graphics")) return -1;
        p->graphics = !strcmp(list, "graphics");
        p->late = !strcmp(key, "late_process");
        g->process_count++;
        return 0;
    }
    if (!strcmp(key, "process_utilization")) {
        if (g->utilization_count >= MAX_PROCESSES) return -1;
        struct scripted_utilization *u = &g->utilization[g->utilization_count];
        if (sscanf(value, "%u %u %u", &u->pid, &u->sm, &u->memory) != 3) return -1;
        g->utilization_count++;
        return 0;
    }
    if (!strcmp(key, "utilization_timestamp"))
        return sscanf(value, "%llu", &g->utilization_timestamp) == 1 ? 0 : -1;
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

static int load_script(const char *path);

static int apply_event_line(char *rest) {
    if (event_count >= MAX_EVENTS) return -1;
    struct scripted_event *e = &events[event_count];
    char kind[32];
    int used;
    if (sscanf(rest, "%d %31s %n", &e->gpu, kind, &used) != 2 || e->gpu < 0 || e->gpu >= MAX_GPUS) return -1;
    e->delivered = 0;
    if (!strcmp(kind, "xid")) {
        e->type = nvmlEventTypeXidCriticalError;
        if (sscanf(rest + used, "%llu %ld", &e->data, &e->wait) != 2) return -1;
    } else if (!strcmp(kind, "ecc_double_bit")) {
        e->type = nvmlEventTypeDoubleBitEccError;
        e->data = 0;
        if (sscanf(rest + used, "%ld", &e->wait) != 1) return -1;
    } else {
        return -1;
    }
    event_count++;
    return 0;
}

/* Test hook: returns 0, or the number of the first line it could not understand. */
int fake_nvml_load_script(const char *path) {
    pthread_mutex_lock(&event_lock);
    int bad = load_script(path);
    pthread_mutex_unlock(&event_lock);
    return bad;
}

static int load_script(const char *path) {
    reset();
    snprintf(script_path, sizeof script_path, "%s", path);
    FILE *f = fopen(path, "r");
    script_stat_known = 0;
    if (!f) return -1;
    script_stat_known = fstat(fileno(f), &script_stat) == 0;
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
        else if (!strncmp(s, "event ", 6)) bad = apply_event_line(s + 6) ? number : 0;
        else if (sscanf(s, "wait_rc %d", &n) == 1) wait_rc = n;
        else if (sscanf(s, "init %d", &n) == 1) init_rc = n;
        else if (sscanf(s, "count_rc %d", &n) == 1) count_rc = n;
        else if (sscanf(s, "count %d", &n) == 1 && n >= 0 && n <= MAX_GPUS) gpu_count = n;
        else if (!strncmp(s, "driver ", 7)) snprintf(driver, sizeof driver, "%s", s + 7);
        else bad = number;
    }
    fclose(f);
    return bad;
}

/* The script file changed since it was read (see the header): read it again. */
static void reload_if_changed(void) {
    if (script_path[0] == 0) return;
    struct stat now;
    if (stat(script_path, &now) != 0) return;
    if (script_stat_known && now.st_ino == script_stat.st_ino && now.st_size == script_stat.st_size
            && now.st_mtim.tv_sec == script_stat.st_mtim.tv_sec
            && now.st_mtim.tv_nsec == script_stat.st_mtim.tv_nsec) return;
    char path[sizeof script_path];
    snprintf(path, sizeof path, "%s", script_path);
    fake_nvml_load_script(path);
}

/* Test hook: how many nvmlInit_v2 calls are not yet paired with nvmlShutdown. */
int fake_nvml_init_depth(void) { return init_depth; }

/* Test hook: event sets created and not yet freed. */
int fake_nvml_event_sets_open(void) {
    pthread_mutex_lock(&event_lock);
    int open = sets_open;
    pthread_mutex_unlock(&event_lock);
    return open;
}

/* Test hook: nvmlEventSetWait_v2 calls since the script was loaded. */
long fake_nvml_wait_calls(void) {
    pthread_mutex_lock(&event_lock);
    long calls = wait_calls;
    pthread_mutex_unlock(&event_lock);
    return calls;
}

static int copy_string(char *out, unsigned int length, const char *value) {
    if (out == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    if (strlen(value) + 1 > length) return NVML_ERROR_INSUFFICIENT_SIZE;
    strcpy(out, value);
    return NVML_SUCCESS;
}

static nvmlReturn_t check(nvmlDevice_t device, enum call call) {
    if (init_depth == 0) return NVML_ERROR_UNINITIALIZED;
    if (device < gpus || device >= gpus + gpu_count) return NVML_ERROR_INVALID_ARGUMENT;
    if (device->lost_after >= 0 && device->calls++ >= device->lost_after) return NVML_ERROR_GPU_IS_LOST;
    if (device->fail_all) return device->fail_all;
    return device->fail[call];
}

nvmlReturn_t nvmlInit_v2(void) {
    if (script_path[0] == 0) {
        const char *env = getenv("FAKE_NVML_SCRIPT");
        if (env != NULL && fake_nvml_load_script(env) != 0) return NVML_ERROR_UNKNOWN;
        if (env == NULL) {
            pthread_mutex_lock(&event_lock);
            reset();
            pthread_mutex_unlock(&event_lock);
        }
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
    if (device == gpus) reload_if_changed();
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
    if (device == gpus) reload_if_changed();
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

nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, int type, unsigned int *clock) {
    nvmlReturn_t rc = check(device, C_SM_CLOCK);
    if (rc) return rc;
    if (clock == NULL || type != NVML_CLOCK_SM) return NVML_ERROR_INVALID_ARGUMENT;
    *clock = device->sm_clock;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMaxClockInfo(nvmlDevice_t device, int type, unsigned int *clock) {
    nvmlReturn_t rc = check(device, C_MAX_SM_CLOCK);
    if (rc) return rc;
    if (clock == NULL || type != NVML_CLOCK_SM) return NVML_ERROR_INVALID_ARGUMENT;
    *clock = device->max_sm_clock;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTemperatureThreshold(nvmlDevice_t device, int type, unsigned int *temp) {
    if (temp == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    nvmlReturn_t rc;
    switch (type) {
    case NVML_TEMPERATURE_THRESHOLD_SLOWDOWN:
        if ((rc = check(device, C_SLOWDOWN))) return rc;
        *temp = device->slowdown;
        return NVML_SUCCESS;
    case NVML_TEMPERATURE_THRESHOLD_SHUTDOWN:
        if ((rc = check(device, C_SHUTDOWN))) return rc;
        *temp = device->shutdown;
        return NVML_SUCCESS;
    default:
        return NVML_ERROR_NOT_SUPPORTED;
    }
}

static nvmlReturn_t clocks_event_reasons(nvmlDevice_t device, unsigned long long *reasons) {
    nvmlReturn_t rc = check(device, C_REASONS);
    if (rc) return rc;
    if (reasons == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    *reasons = device->reasons;
    return NVML_SUCCESS;
}

#ifndef OMIT_OPTIONAL
nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t device, unsigned long long *reasons) {
    return clocks_event_reasons(device, reasons);
}
#endif

nvmlReturn_t nvmlDeviceGetCurrentClocksThrottleReasons(nvmlDevice_t device, unsigned long long *reasons) {
    return clocks_event_reasons(device, reasons);
}

nvmlReturn_t nvmlDeviceGetTotalEccErrors(nvmlDevice_t device, int errorType, int counterType,
                                         unsigned long long *count) {
    nvmlReturn_t rc = check(device, C_ECC);
    if (rc) return rc;
    if (count == NULL || errorType != NVML_MEMORY_ERROR_TYPE_UNCORRECTED || counterType != NVML_VOLATILE_ECC)
        return NVML_ERROR_INVALID_ARGUMENT;
    *count = device->ecc_uncorrected_volatile;
    return NVML_SUCCESS;
}

#ifndef OMIT_OPTIONAL
nvmlReturn_t nvmlDeviceGetRemappedRows(nvmlDevice_t device, unsigned int *corrRows, unsigned int *uncRows,
                                       unsigned int *isPending, unsigned int *failureOccurred) {
    nvmlReturn_t rc = check(device, C_REMAPPED_ROWS);
    if (rc) return rc;
    if (corrRows == NULL || uncRows == NULL || isPending == NULL || failureOccurred == NULL)
        return NVML_ERROR_INVALID_ARGUMENT;
    *corrRows = device->remapped[0];
    *uncRows = device->remapped[1];
    *isPending = device->remapped[2];
    *failureOccurred = device->remapped[3];
    return NVML_SUCCESS;
}
#endif

nvmlReturn_t nvmlDeviceGetPcieReplayCounter(nvmlDevice_t device, unsigned int *value) {
    nvmlReturn_t rc = check(device, C_PCIE_REPLAY);
    if (rc) return rc;
    if (value == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    *value = device->pcie_replay;
    return NVML_SUCCESS;
}

/* Only the memory temperature is a field here; any other field gives NOT_SUPPORTED in its entry. */
nvmlReturn_t nvmlDeviceGetFieldValues(nvmlDevice_t device, int valuesCount, nvmlFieldValue_t *values) {
    nvmlReturn_t rc = check(device, C_MEMORY_TEMPERATURE);
    if (rc == NVML_ERROR_GPU_IS_LOST || rc == NVML_ERROR_UNINITIALIZED || rc == NVML_ERROR_INVALID_ARGUMENT)
        return rc;
    if (values == NULL || valuesCount < 0) return NVML_ERROR_INVALID_ARGUMENT;
    for (int i = 0; i < valuesCount; i++) {
        nvmlFieldValue_t *v = &values[i];
        v->timestamp = (long long) time(NULL) * 1000000;
        v->latencyUsec = 0;
        if (v->fieldId != NVML_FI_DEV_MEMORY_TEMP) {
            v->nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
        } else if (rc != NVML_SUCCESS) {
            v->nvmlReturn = rc;
        } else {
            v->nvmlReturn = NVML_SUCCESS;
            v->valueType = NVML_VALUE_TYPE_UNSIGNED_INT;
            v->value.ullVal = 0;
            v->value.uiVal = device->memory_temperature;
        }
    }
    return NVML_SUCCESS;
}

/* The real contract: *count in is the room in infos; too little room gives INSUFFICIENT_SIZE and the
 * count needed (a probe passes 0 and may pass NULL), otherwise SUCCESS and the count filled. */
static nvmlReturn_t running_processes(nvmlDevice_t device, enum call call, int graphics, unsigned int *count,
                                      nvmlProcessInfo_t *infos) {
    nvmlReturn_t rc = check(device, call);
    if (rc) return rc;
    if (count == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    unsigned int needed = 0;
    for (int i = 0; i < device->process_count; i++) {
        struct scripted_process *p = &device->processes[i];
        if (p->graphics == graphics && (!p->late || device->grown)) needed++;
    }
    if (needed > *count) {
        *count = needed;
        if (!graphics) device->grown = 1;
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    if (needed > 0 && infos == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    unsigned int n = 0;
    for (int i = 0; i < device->process_count; i++) {
        struct scripted_process *p = &device->processes[i];
        if (p->graphics != graphics || (p->late && !device->grown)) continue;
        infos[n].pid = p->pid;
        infos[n].usedGpuMemory = p->used;
        infos[n].gpuInstanceId = 0xFFFFFFFFu;
        infos[n].computeInstanceId = 0xFFFFFFFFu;
        n++;
    }
    *count = n;
    return NVML_SUCCESS;
}

#ifndef OMIT_PROCESSES_V3
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int *infoCount,
                                                     nvmlProcessInfo_t *infos) {
    return running_processes(device, C_PROCESSES, 0, infoCount, infos);
}

nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v3(nvmlDevice_t device, unsigned int *infoCount,
                                                      nvmlProcessInfo_t *infos) {
    return running_processes(device, C_GRAPHICS_PROCESSES, 1, infoCount, infos);
}
#endif

/* R470's calls, still exported by later drivers: the same contract and the same nvmlProcessInfo_v2_t. */
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t device, unsigned int *infoCount,
                                                     nvmlProcessInfo_v2_t *infos) {
    return running_processes(device, C_PROCESSES, 0, infoCount, infos);
}

nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v2(nvmlDevice_t device, unsigned int *infoCount,
                                                      nvmlProcessInfo_v2_t *infos) {
    return running_processes(device, C_GRAPHICS_PROCESSES, 1, infoCount, infos);
}

nvmlReturn_t nvmlDeviceGetProcessUtilization(nvmlDevice_t device, nvmlProcessUtilizationSample_t *utilization,
                                             unsigned int *processSamplesCount,
                                             unsigned long long lastSeenTimeStamp) {
    nvmlReturn_t rc = check(device, C_PROCESS_UTILIZATION);
    if (rc) return rc;
    if (processSamplesCount == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    unsigned long long stamp = device->utilization_timestamp ? device->utilization_timestamp : lastSeenTimeStamp + 1;
    if (device->utilization_count == 0 || lastSeenTimeStamp >= stamp) return NVML_ERROR_NOT_FOUND;
    unsigned int needed = (unsigned int) device->utilization_count;
    if (utilization == NULL || *processSamplesCount < needed) {
        *processSamplesCount = needed;
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    for (unsigned int i = 0; i < needed; i++) {
        utilization[i].pid = device->utilization[i].pid;
        utilization[i].timeStamp = stamp;
        utilization[i].smUtil = device->utilization[i].sm;
        utilization[i].memUtil = device->utilization[i].memory;
        utilization[i].encUtil = 0;
        utilization[i].decUtil = 0;
    }
    *processSamplesCount = needed;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlEventSetCreate(nvmlEventSet_t *set) {
    if (init_depth == 0) return NVML_ERROR_UNINITIALIZED;
    if (set == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    *set = calloc(1, sizeof **set);
    if (*set == NULL) return NVML_ERROR_UNKNOWN;
    pthread_mutex_lock(&event_lock);
    sets_open++;
    pthread_mutex_unlock(&event_lock);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceRegisterEvents(nvmlDevice_t device, unsigned long long eventTypes, nvmlEventSet_t set) {
    nvmlReturn_t rc = check(device, C_REGISTER);
    if (rc) return rc;
    if (set == NULL || eventTypes == 0) return NVML_ERROR_INVALID_ARGUMENT;
    if (eventTypes & ~device->event_types) return NVML_ERROR_NOT_SUPPORTED;
    set->registered[device - gpus] |= eventTypes;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlEventSetWait_v2(nvmlEventSet_t set, nvmlEventData_t *data, unsigned int timeoutms) {
    if (init_depth == 0) return NVML_ERROR_UNINITIALIZED;
    if (set == NULL || data == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    pthread_mutex_lock(&event_lock);
    long call = ++wait_calls;
    nvmlReturn_t rc = wait_rc;
    for (int i = 0; i < event_count; i++) {
        struct scripted_event *e = &events[i];
        if (!e->delivered && e->wait <= call && (set->registered[e->gpu] & e->type)) {
            e->delivered = 1;
            data->device = &gpus[e->gpu];
            data->eventType = e->type;
            data->eventData = e->data;
            data->gpuInstanceId = 0xFFFFFFFFu;
            data->computeInstanceId = 0xFFFFFFFFu;
            rc = NVML_SUCCESS;
            pthread_mutex_unlock(&event_lock);
            return rc;
        }
    }
    pthread_mutex_unlock(&event_lock);
    if (rc != NVML_SUCCESS) return rc;
    struct timespec pause = { timeoutms / 1000, (long) (timeoutms % 1000) * 1000000L };
    nanosleep(&pause, NULL);
    return NVML_ERROR_TIMEOUT;
}

nvmlReturn_t nvmlEventSetFree(nvmlEventSet_t set) {
    if (init_depth == 0) return NVML_ERROR_UNINITIALIZED;
    if (set == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    free(set);
    pthread_mutex_lock(&event_lock);
    sets_open--;
    pthread_mutex_unlock(&event_lock);
    return NVML_SUCCESS;
}
