import { Controller, Get, Query } from '@nestjs/common';
import { exec } from 'child_process';
import { readFile } from 'fs/promises';

@Controller('reports')
export class ReportsController {
  @Get('run')
  run(@Query('name') name: string) {
    exec(`./report.sh ${name}`); // want "command-injection"
    return readFile(name); // want "path-traversal"
  }
}

export async function GET(request: Request) {
  const target = new URL(request.url).searchParams.get('u');
  return fetch(target!); // want "ssrf"
}
