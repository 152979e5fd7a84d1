// Runs an Arduino Uno sketch (an ELF) on a simulated ATmega328P at 16 MHz with a TMP36 on A0.
//
//   simavr-harness SKETCH.elf [--celsius C] [--at SECONDS:CELSIUS]... [--seconds S] [--realtime]
//
// stdin is the board's serial input (bytes go into UART0's receiver), stdout its serial
// output (UART0's bytes, nothing else). The room is at --celsius (default 21) and changes
// to CELSIUS at each --at simulated time (given in time order). It stops after --seconds of simulated time, or
// when stdin closes. --realtime keeps simulated time no faster than real time (for a page
// that reads the board live). stderr gets simavr's own messages and the heater pin (D7)
// as it switches: "heater on at 3.002 s".
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <simavr/avr_adc.h>
#include <simavr/avr_ioport.h>
#include <simavr/avr_uart.h>
#include <simavr/sim_avr.h>
#include <simavr/sim_elf.h>

#define FREQUENCY 16000000
#define SLICE_CYCLES (FREQUENCY / 1000)  // stdin, the room and the clock are looked at every 1 ms
#define MAX_CHANGES 32

struct change { double at, celsius; };

static int uart_out = -1;        // the real stdout; fd 1 is pointed at stderr for simavr's printf
static int uart_full = 0;        // simavr's receive FIFO said XOFF
static unsigned char pending[4096];
static size_t pending_length = 0;

static double seconds_of(avr_t *avr) { return (double)avr->cycle / FREQUENCY; }

static void uart_byte_out(struct avr_irq_t *irq, uint32_t value, void *param) {
  unsigned char byte = value;
  (void)irq; (void)param;
  if (write(uart_out, &byte, 1) != 1) exit(0);  // the reader went away: nothing left to do
}

static void uart_xon(struct avr_irq_t *irq, uint32_t value, void *param) { (void)irq; (void)value; (void)param; uart_full = 0; }
static void uart_xoff(struct avr_irq_t *irq, uint32_t value, void *param) { (void)irq; (void)param; uart_full = value != 0; }

static void heater_pin(struct avr_irq_t *irq, uint32_t value, void *param) {
  fprintf(stderr, "heater %s at %.3f s\n", value ? "on" : "off", seconds_of((avr_t *)param));
  (void)irq;
}

static void set_room(avr_t *avr, double celsius) {
  // TMP36: 500 mV at 0 °C, 10 mV per degree; simavr's ADC inputs are in millivolts.
  avr_raise_irq(avr_io_getirq(avr, AVR_IOCTL_ADC_GETIRQ, ADC_IRQ_ADC0), (uint32_t)(500 + 10 * celsius + 0.5));
}

// Reads what stdin has without waiting; returns 0 once stdin is closed.
static int read_stdin(void) {
  struct pollfd input = { .fd = 0, .events = POLLIN };
  if (pending_length == sizeof pending || poll(&input, 1, 0) <= 0) return 1;
  ssize_t n = read(0, pending + pending_length, sizeof pending - pending_length);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  pending_length += (size_t)n;
  return n > 0;
}

static void feed_uart(avr_t *avr) {
  avr_irq_t *input = avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_INPUT);
  size_t sent = 0;
  while (sent < pending_length && !uart_full) avr_raise_irq(input, pending[sent++]);
  memmove(pending, pending + sent, pending_length - sent);
  pending_length -= sent;
}

static void keep_to_real_time(const struct timespec *start, double simulated) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  double ahead = simulated - ((now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9);
  if (ahead > 0.005) {
    struct timespec pause = { (time_t)ahead, (long)((ahead - (time_t)ahead) * 1e9) };
    nanosleep(&pause, NULL);
  }
}

static void usage(void) {
  fprintf(stderr, "usage: simavr-harness SKETCH.elf [--celsius C] [--at SECONDS:CELSIUS]... [--seconds S] [--realtime]\n");
  exit(2);
}

// The number `text` spells, whole, or the usage and exit 2.
static double number(const char *text) {
  char *end;
  double value = strtod(text, &end);
  if (end == text || *end != '\0') usage();
  return value;
}

int main(int argc, char **argv) {
  struct change changes[MAX_CHANGES];
  int change_count = 0, next_change = 0, realtime = 0;
  double celsius = 21, limit = 0;
  const char *firmware = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--celsius") && i + 1 < argc) celsius = number(argv[++i]);
    else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) limit = number(argv[++i]);
    else if (!strcmp(argv[i], "--realtime")) realtime = 1;
    else if (!strcmp(argv[i], "--at") && i + 1 < argc && change_count < MAX_CHANGES) {
      char *colon = strchr(argv[++i], ':');
      if (!colon) usage();
      *colon = '\0';
      changes[change_count].at = number(argv[i]);
      changes[change_count].celsius = number(colon + 1);
      if (change_count > 0 && changes[change_count].at < changes[change_count - 1].at) usage();
      change_count++;
    } else if (argv[i][0] != '-' && !firmware) firmware = argv[i];
    else usage();
  }
  if (!firmware) usage();

  uart_out = dup(1);
  dup2(2, 1);  // simavr prints its own notes with printf: keep them out of the board's output
  setvbuf(stdout, NULL, _IOLBF, 0);  // and in order with ours on stderr
  elf_firmware_t elf = {0};
  if (elf_read_firmware(firmware, &elf) != 0) {
    fprintf(stderr, "cannot read the firmware %s\n", firmware);
    return 1;
  }
  avr_t *avr = avr_make_mcu_by_name("atmega328p");
  if (!avr || avr_init(avr) != 0) return 1;
  avr_load_firmware(avr, &elf);
  avr->frequency = FREQUENCY;
  avr->vcc = avr->avcc = avr->aref = 5000;  // an Uno on USB: 5 V, analogReference(DEFAULT) is AVcc

  uint32_t flags = 0;  // no console echo, no sleeping while the sketch polls the UART
  avr_ioctl(avr, AVR_IOCTL_UART_SET_FLAGS('0'), &flags);
  avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUTPUT), uart_byte_out, NULL);
  avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XON), uart_xon, NULL);
  avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XOFF), uart_xoff, NULL);
  avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ('D'), 7), heater_pin, avr);
  set_room(avr, celsius);

  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  avr_cycle_count_t next_slice = 0;
  int state = cpu_Running;
  while (state != cpu_Done && state != cpu_Crashed) {
    state = avr_run(avr);
    if (avr->cycle < next_slice) continue;
    next_slice = avr->cycle + SLICE_CYCLES;
    double now = seconds_of(avr);
    if (limit > 0 && now >= limit) break;
    while (next_change < change_count && now >= changes[next_change].at) set_room(avr, changes[next_change++].celsius);
    if (!read_stdin()) break;
    feed_uart(avr);
    if (realtime) keep_to_real_time(&start, now);
  }
  fprintf(stderr, "stopped at %.3f s simulated\n", seconds_of(avr));
  return state == cpu_Crashed;
}
