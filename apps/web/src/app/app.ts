import { ChangeDetectionStrategy, Component } from '@angular/core';
import { ChatPage } from './chat-page/chat-page';

@Component({
  selector: 'chat-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ChatPage],
  template: '<chat-chat-page />',
})
export class App {}
